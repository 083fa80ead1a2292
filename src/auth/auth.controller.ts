import { Body, Controller, Get, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import { DomainError } from '../common/domain-error';
import type { User } from '../users/user.entity';
import { presentUser } from '../users/user.presenter';
import { AuthService } from './auth.service';
import { CurrentUser } from './current-user.decorator';
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
  @UseGuards(ThrottlerGuard)
  @Post('login')
  @HttpCode(200)
  login(@Body() body: LoginDto) {
    return this.auth.login(body.username, body.password);
  }

  @Get('verify')
  verify(@CurrentUser() user: User) {
    return { valid: true, user: presentUser(user) };
  }

  @Get('me')
  me(@CurrentUser() user: User) {
    return presentUser(user);
  }
}
