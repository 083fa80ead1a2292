import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { JwtService, TokenExpiredError } from '@nestjs/jwt';
import { DomainError } from '../shared/domain-error';
import type { AppConfig } from '../config/configuration';

/** The previous backend's claims: no sub/iss/aud, so its tokens keep working. */
export interface TokenClaims {
  user_id: number;
  iat: number;
  exp: number;
}

const unauthorized = (message: string) => new DomainError('UNAUTHORIZED', message);

/** Verified tokens remembered at most; the frontend sends the same one on every call. */
const VERIFIED_CACHE_SIZE = 1000;

/** HS256 access tokens signed with SECRET_KEY. */
@Injectable()
export class TokenService {
  /** token → its user id and when it expires (ms): a signature is checked once, not per request. */
  private readonly verified = new Map<string, { userId: number; expiresAt: number }>();

  constructor(
    private readonly jwt: JwtService,
    private readonly config: ConfigService<AppConfig, true>,
  ) {}

  issue(userId: number): string {
    const hours = this.config.get('auth.tokenLifetimeHours', { infer: true });
    return this.jwt.sign({ user_id: userId }, { expiresIn: hours * 3600 });
  }

  /** The user id of a valid token, or a 401 with the contract's message. */
  verify(token: string): number {
    const known = this.verified.get(token);
    if (known && known.expiresAt > Date.now()) return known.userId;
    let claims: Partial<TokenClaims>;
    try {
      claims = this.jwt.verify<Partial<TokenClaims>>(token, { algorithms: ['HS256'] });
    } catch (error) {
      if (error instanceof TokenExpiredError) throw unauthorized('Token has expired');
      throw unauthorized(`Invalid token: ${(error as Error).message}`);
    }
    // jsonwebtoken checks exp only when present and has no option to require it (its issue
    // #220): a token without one would never expire. The message is PyJWT's for that case.
    if (claims.exp === undefined) {
      throw unauthorized('Invalid token: Token is missing the "exp" claim');
    }
    const userId = claims.user_id;
    if (typeof userId !== 'number' || !Number.isInteger(userId) || userId < 1) {
      throw unauthorized('Invalid token: no user_id claim');
    }
    this.remember(token, userId, claims.exp * 1000);
    return userId;
  }

  private remember(token: string, userId: number, expiresAt: number): void {
    this.verified.delete(token);
    this.verified.set(token, { userId, expiresAt });
    // Oldest first out: a Map iterates in insertion order.
    if (this.verified.size > VERIFIED_CACHE_SIZE) {
      this.verified.delete(this.verified.keys().next().value as string);
    }
  }

  /**
   * The token of an Authorization header, split the way the previous backend did: on single
   * spaces, scheme word unchecked.
   */
  static fromHeader(header: string | undefined): string {
    if (!header) throw unauthorized('Token is missing');
    const parts = header.split(' ');
    if (parts.length < 2) throw unauthorized('Invalid authorization header format');
    if (parts[1] === '') throw unauthorized('Token is missing');
    return parts[1];
  }
}
