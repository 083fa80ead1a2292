import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { hashPassword } from './password-hasher';
import { DomainError, notFound } from '../shared/domain-error';
import type { AppConfig } from '../config/configuration';
import { TransactionRunner } from '../database/transaction-runner';
import { User } from './user.entity';
import { UsersRepository } from './users.repository';
import { codePointLength } from '../shared/text';

export const MIN_PASSWORD_LENGTH = 8;
const MAX_USERNAME_LENGTH = 120;

function checkPassword(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw new DomainError(
      'BAD_INPUT',
      `Password must be at least ${MIN_PASSWORD_LENGTH} characters long`,
    );
  }
}

/** The account rules: one athlete per installation, passwords of a minimum length. */
@Injectable()
export class UsersService {
  /** User id → until when (ms) it is known to exist: spares a query on every request. */
  private readonly known = new Map<number, number>();
  private readonly cacheMs: number;

  constructor(
    private readonly db: TransactionRunner,
    private readonly users: UsersRepository,
    config: ConfigService<AppConfig, true>,
  ) {
    this.cacheMs = config.get('auth.userCacheSeconds', { infer: true }) * 1000;
  }

  findById(id: number): Promise<User | null> {
    return this.db.read((manager) => this.users.findById(manager, id));
  }

  /**
   * Whether the user exists; a positive answer is trusted for a few seconds. A user deleted by
   * another process is refused once its entry expires, and at once in this one (`delete`).
   */
  async exists(id: number): Promise<boolean> {
    const until = this.known.get(id);
    if (until !== undefined && until > Date.now()) return true;
    const found = await this.db.read((manager) => this.users.exists(manager, id));
    if (found && this.cacheMs > 0) this.known.set(id, Date.now() + this.cacheMs);
    else this.known.delete(id);
    return found;
  }

  list(): Promise<User[]> {
    return this.db.read((manager) => this.users.findAll(manager));
  }

  /** Creates the one user; refused when any user exists (this is a single-user app). */
  async createFirst(username: string, password: string): Promise<User> {
    const name = username.trim();
    if (name === '' || codePointLength(name) > MAX_USERNAME_LENGTH) {
      throw new DomainError('BAD_INPUT', `Username must be 1 to ${MAX_USERNAME_LENGTH} characters`);
    }
    checkPassword(password);
    const hash = await hashPassword(password); // slow on purpose: outside the transaction
    return this.db.write({ what: 'the new user' }, async (manager) => {
      if ((await this.users.count(manager)) > 0) {
        throw new DomainError(
          'FORBIDDEN',
          'A user already exists. This is a single-user app; use --update to change the password.',
        );
      }
      const id = await this.users.insert(manager, name, hash);
      return (await this.users.findById(manager, id)) as User;
    });
  }

  async updatePassword(username: string, password: string): Promise<void> {
    checkPassword(password);
    const hash = await hashPassword(password);
    await this.db.write({ what: 'the new password' }, async (manager) => {
      const user = await this.users.findByUsername(manager, username);
      if (!user) throw notFound(`User "${username}"`);
      await this.users.setPasswordHash(manager, user.id, hash);
    });
  }

  /** Deletes the user; its tokens stop working at once here, and within seconds elsewhere. */
  async delete(username: string): Promise<void> {
    const id = await this.db.write({ what: 'the user deletion' }, async (manager) => {
      const user = await this.users.findByUsername(manager, username);
      if (!user) throw notFound(`User "${username}"`);
      await this.users.delete(manager, user.id);
      return user.id;
    });
    this.known.delete(id);
  }
}
