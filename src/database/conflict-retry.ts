import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { DomainError } from '../common/domain-error';
import { RetryCounter } from './retry-counter';

/**
 * Conflicts that a fresh attempt can get past: PostgreSQL unique violation, serialization
 * failure and deadlock; SQLite busy (another process held the file past the busy timeout) and
 * unique violation.
 */
export const RETRYABLE_CODES: ReadonlySet<string> = new Set([
  '23505',
  '40001',
  '40P01',
  'SQLITE_BUSY',
  'SQLITE_CONSTRAINT_UNIQUE',
]);

export interface RetryPolicy {
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const RETRY_POLICY = Symbol('RETRY_POLICY');
export const DEFAULT_RETRY_POLICY: RetryPolicy = { attempts: 5, baseDelayMs: 5, maxDelayMs: 200 };

/** The driver's error code of a failed query, if any. */
export function databaseErrorCode(error: unknown): string | undefined {
  const driverError = (error as { driverError?: { code?: unknown } })?.driverError;
  const code = driverError?.code ?? (error as { code?: unknown })?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Said in the retry's log lines (the logger adds the request id itself). */
export interface RetryContext {
  workoutId?: number;
}

const describe = ({ workoutId }: RetryContext) =>
  workoutId === undefined ? 'a write' : `the write of workout ${workoutId}`;

/** Runs a unit of work again, with jittered exponential backoff, when it hit a conflict. */
@Injectable()
export class ConflictRetry {
  private readonly logger = new Logger(ConflictRetry.name);
  private readonly policy: RetryPolicy;

  constructor(
    private readonly counter: RetryCounter,
    @Optional() @Inject(RETRY_POLICY) policy?: RetryPolicy,
  ) {
    this.policy = policy ?? DEFAULT_RETRY_POLICY;
  }

  async run<T>(context: RetryContext, work: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await work();
      } catch (error) {
        const code = databaseErrorCode(error);
        if (code === undefined || !RETRYABLE_CODES.has(code)) throw error;
        if (attempt >= this.policy.attempts) {
          this.logger.error(
            { ...context, code, attempts: attempt },
            `Giving up on ${describe(context)} after ${attempt} conflicting attempts`,
          );
          throw new DomainError(
            'BUSY',
            'The database is busy with concurrent updates of this workout; please retry',
          );
        }
        this.counter.increment(code);
        this.logger.warn(
          { ...context, code, attempt },
          `Retrying ${describe(context)} after ${code} (attempt ${attempt})`,
        );
        await sleep(this.backoff(attempt));
      }
    }
  }

  private backoff(attempt: number): number {
    const ceiling = Math.min(this.policy.maxDelayMs, this.policy.baseDelayMs * 2 ** (attempt - 1));
    return Math.random() * ceiling;
  }
}
