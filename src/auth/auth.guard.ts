import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { DomainError } from '../common/domain-error';
import type { User } from '../users/user.entity';
import { UsersService } from '../users/users.service';
import { IS_PUBLIC } from './public.decorator';
import { TokenService } from './token.service';

export type AuthenticatedRequest = Request & { user?: User };

/**
 * Installed as APP_GUARD: every route needs a valid token of an existing user unless it is
 * marked @Public(), so a new route is private by default.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokenService,
    private readonly users: UsersService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (isPublic) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const userId = await this.tokens.verify(TokenService.fromHeader(request.headers.authorization));
    const user = await this.users.findById(userId);
    // A token outlives a deleted account: refuse it rather than act for nobody.
    if (!user) throw new DomainError('UNAUTHORIZED', 'Invalid token: user no longer exists');
    request.user = user;
    return true;
  }
}
