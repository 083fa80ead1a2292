import { Body, Controller, Get, HttpCode, Ip, Post } from '@nestjs/common';
import { DomainError } from '../common/domain-error';
import { AuthService } from './auth.service';
import { CurrentUserId } from './current-user.decorator';
import { LoginDto } from './dto/login.dto';
import { Public } from './public.decorator';

@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Public()
  @Post('register')
  register(): never {
    throw new DomainError(
      'FORBIDDEN',
      'Registration is disabled. This is a single-user app. Use `npm run user:create` to set up your account.',
    );
  }

  @Public()
  @Post('login')
  @HttpCode(200)
  login(@Body() body: LoginDto, @Ip() address: string) {
    return this.auth.login(body.username, body.password, address);
  }

  @Get('verify')
  async verify(@CurrentUserId() userId: number) {
    return { valid: true, user: await this.auth.currentUser(userId) };
  }

  @Get('me')
  me(@CurrentUserId() userId: number) {
    return this.auth.currentUser(userId);
  }
}
