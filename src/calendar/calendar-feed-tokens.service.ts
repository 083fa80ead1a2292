import { Injectable } from '@nestjs/common';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { TransactionRunner } from '../database/transaction-runner';
import { CalendarFeedTokensRepository } from './calendar-feed-tokens.repository';

// 256 bits: a guess is hopeless, so a fast unsalted hash is enough to keep the stored value useless.
const TOKEN_BYTES = 32;

const hashOf = (token: string) => createHash('sha256').update(token, 'utf8').digest();

/** The long random token calendar apps put in the feed URL (they cannot send headers). */
@Injectable()
export class CalendarFeedTokensService {
  constructor(
    private readonly db: TransactionRunner,
    private readonly tokens: CalendarFeedTokensRepository,
  ) {}

  /** A new token; the previous one stops working. Only its hash is stored. */
  async rotate(): Promise<string> {
    const token = randomBytes(TOKEN_BYTES).toString('base64url');
    await this.db.write({ what: 'the new feed token' }, (manager) =>
      this.tokens.replace(manager, hashOf(token).toString('hex'), new Date()),
    );
    return token;
  }

  async isValid(token: unknown): Promise<boolean> {
    if (typeof token !== 'string' || token.length === 0 || token.length > 256) return false;
    const given = hashOf(token);
    const stored = await this.db.read((manager) => this.tokens.hashes(manager));
    let valid = false;
    for (const hex of stored) {
      const expected = Buffer.from(hex, 'hex');
      if (expected.length === given.length && timingSafeEqual(expected, given)) valid = true;
    }
    return valid;
  }
}
