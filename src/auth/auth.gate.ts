import { Injectable } from '@nestjs/common';
import { DomainError } from '../shared/domain-error';
import { UsersService } from '../users/users.service';
import { TokenService } from './token.service';

/**
 * Authentication of private routes. It runs in the request gate, before the body is read (a
 * Nest guard would run after Fastify has parsed it), so an unauthenticated upload is refused
 * without being buffered.
 */
@Injectable()
export class AuthGate {
  constructor(
    private readonly tokens: TokenService,
    private readonly users: UsersService,
  ) {}

  /** The user id of a valid token of an existing user, or the contract's 401. */
  async authenticate(authorization: string | undefined): Promise<number> {
    const userId = this.tokens.verify(TokenService.fromHeader(authorization));
    // A token outlives a deleted account: refuse it rather than act for nobody.
    if (!(await this.users.exists(userId))) {
      throw new DomainError('UNAUTHORIZED', 'Invalid token: user no longer exists');
    }
    return userId;
  }
}
