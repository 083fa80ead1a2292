import { Injectable } from '@nestjs/common';
import { DomainError } from '../shared/domain-error';
import { TransactionRunner } from '../database/transaction-runner';
import type { User } from '../users/user.entity';
import { presentUser, UserJson } from '../users/user.presenter';
import { UsersRepository } from '../users/users.repository';
import { LoginJson } from './auth.presenter';
import { LoginAttempts } from './login-attempts';
import { hashPassword, PasswordCheck, verifyPassword } from '../users/password-hasher';
import { TokenService } from './token.service';

const INVALID_CREDENTIALS = 'Invalid username or password';

@Injectable()
export class AuthService {
  // Verified against when the username is unknown, so both failures take the same time.
  private decoyHash?: Promise<string>;

  constructor(
    private readonly db: TransactionRunner,
    private readonly users: UsersRepository,
    private readonly tokens: TokenService,
    private readonly attempts: LoginAttempts,
  ) {}

  /** `address`: the client's, for the limit on failed attempts. */
  async login(username: string, password: string, address: string): Promise<LoginJson> {
    const attempt = this.attempts.begin(address);
    let user: User | null;
    let check: PasswordCheck;
    try {
      user = await this.db.read((manager) => this.users.findByUsername(manager, username));
      check = await verifyPassword(password, user?.passwordHash ?? (await this.decoy()));
    } catch (error) {
      attempt.succeeded(); // not a wrong password: the database failed, it does not count
      throw error;
    }
    if (!user || !check.valid) {
      attempt.failed();
      throw new DomainError('UNAUTHORIZED', INVALID_CREDENTIALS);
    }
    attempt.succeeded();

    // Upgrade a legacy (werkzeug) or weaker hash now that the password is known to be right.
    const newHash = check.needsRehash ? await hashPassword(password) : null;
    const now = new Date();
    const updated = await this.db.write({ what: 'the login' }, async (manager) => {
      if (newHash) await this.users.setPasswordHash(manager, user.id, newHash);
      await this.users.setLastLogin(manager, user.id, now);
      return this.users.findById(manager, user.id);
    });
    if (!updated) throw new DomainError('UNAUTHORIZED', INVALID_CREDENTIALS);
    return {
      message: 'Login successful',
      token: this.tokens.issue(user.id),
      user: presentUser(updated),
    };
  }

  /** The token's user as the contract shows it (the gate checked that it exists). */
  async currentUser(userId: number): Promise<UserJson> {
    const user = await this.db.read((manager) => this.users.findById(manager, userId));
    if (!user) throw new DomainError('UNAUTHORIZED', 'Invalid token: user no longer exists');
    return presentUser(user);
  }

  private decoy(): Promise<string> {
    this.decoyHash ??= hashPassword('decoy password, never matches');
    return this.decoyHash;
  }
}
