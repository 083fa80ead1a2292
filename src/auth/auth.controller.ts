import { Body, Controller, Get, HttpCode, Ip, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DomainError } from '../shared/domain-error';
import { ApiDatabaseUnavailable, ApiErrors } from '../http/openapi';
import { UserJson } from '../users/user.presenter';
import { LoginJson, VerifyJson } from './auth.presenter';
import { AuthService } from './auth.service';
import { CurrentUserId } from './current-user.decorator';
import { LoginDto } from './dto/login.dto';
import { Public } from '../http/route-policy';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Public()
  @Post('register')
  @ApiOperation({ summary: 'Always 403: the one user is made with `npm run user:create`' })
  @ApiErrors(403)
  register(): never {
    throw new DomainError(
      'FORBIDDEN',
      'Registration is disabled. This is a single-user app. Use `npm run user:create` to set up your account.',
    );
  }

  @Public()
  @Post('login')
  @HttpCode(200)
  @ApiOperation({ summary: 'A login token for username and password' })
  @ApiOkResponse({ type: LoginJson })
  @ApiErrors(400, [401, 'Invalid username or password'], 413, 415, 429)
  @ApiDatabaseUnavailable()
  login(@Body() body: LoginDto, @Ip() address: string) {
    return this.auth.login(body.username, body.password, address);
  }

  @Get('verify')
  @ApiOperation({ summary: "The token's user, if the token is valid" })
  @ApiDatabaseUnavailable()
  @ApiOkResponse({ type: VerifyJson })
  async verify(@CurrentUserId() userId: number): Promise<VerifyJson> {
    return { valid: true, user: await this.auth.currentUser(userId) };
  }

  @Get('me')
  @ApiOperation({ summary: "The token's user" })
  @ApiDatabaseUnavailable()
  @ApiOkResponse({ type: UserJson })
  me(@CurrentUserId() userId: number) {
    return this.auth.currentUser(userId);
  }
}
