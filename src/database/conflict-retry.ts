import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { DomainError } from '../common/domain-error';
import { databaseErrorCode, isLockHeldElsewhere, isRetryableConflict } from './driver-errors';
import { Metrics } from '../metrics/metrics';

/**
 * How long a unit of work may keep being retried. The bound is time, not a count of attempts:
 * on SQLite another process may hold the write lock for seconds (an import, the dedupe tool),
 * and the waiting is done here, asynchronously, rather than by the driver blocking the event
 * loop.
 */
export interface RetryPolicy {
  /** Total waiting, across attempts, before giving up (503). */
  maxWaitMs: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const RETRY_POLICY = Symbol('RETRY_POLICY');
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxWaitMs: 3000,
  baseDelayMs: 5,
  maxDelayMs: 250,
};

/** Said in the retry's log lines (the logger adds the request id itself). */
export interface RetryContext {
  workoutId?: number;
  /** What is being written, when not a workout's selection ("the import", ...). */
  what?: string;
}

const describe = ({ workoutId, what }: RetryContext) =>
  what ?? (workoutId === undefined ? 'a write' : `the write of workout ${workoutId}`);

/** Runs a unit of work again, with jittered exponential backoff, when it hit a conflict. */
@Injectable()
export class ConflictRetry {
  private readonly logger = new Logger(ConflictRetry.name);
  private readonly policy: RetryPolicy;

  constructor(
    private readonly metrics: Metrics,
    @Optional() @Inject(RETRY_POLICY) policy?: RetryPolicy,
  ) {
    this.policy = policy ?? DEFAULT_RETRY_POLICY;
  }

  async run<T>(context: RetryContext, work: () => Promise<T>): Promise<T> {
    let waited = 0;
    for (let attempt = 1; ; attempt++) {
      try {
        return await work();
      } catch (error) {
        if (!isRetryableConflict(error)) throw error;
        const code = databaseErrorCode(error) as string;
        const delay = this.backoff(attempt);
        if (waited + delay > this.policy.maxWaitMs) {
          this.logger.error(
            { ...context, code, attempts: attempt, waitedMs: Math.round(waited) },
            `Giving up on ${describe(context)} after ${attempt} attempts (${code})`,
          );
          throw isLockHeldElsewhere(error)
            ? new DomainError('UNAVAILABLE', 'The database is unavailable, please retry')
            : new DomainError(
                'BUSY',
                'The database is busy with concurrent updates of this workout; please retry',
              );
        }
        this.metrics.conflictRetries.inc({ code });
        this.logger.warn(
          { ...context, code, attempt },
          `Retrying ${describe(context)} after ${code} (attempt ${attempt})`,
        );
        await sleep(delay);
        waited += delay;
      }
    }
  }

  private backoff(attempt: number): number {
    const ceiling = Math.min(this.policy.maxDelayMs, this.policy.baseDelayMs * 2 ** (attempt - 1));
    // Half fixed, half random: waits grow, and writers that met the same lock spread out.
    return ceiling / 2 + (Math.random() * ceiling) / 2;
  }
}
