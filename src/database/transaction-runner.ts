import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Mutex } from 'async-mutex';
import type { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource, EntityManager, QueryRunner } from 'typeorm';
import { databaseUnavailable, DomainError } from '../shared/domain-error';
import {
  databaseErrorCode,
  isDatabaseUnavailable,
  isLockHeldElsewhere,
  isRetryableConflict,
} from './driver-errors';

/**
 * How long a write may keep trying. The bound is time, not a count of attempts: on SQLite
 * another process may hold the write lock for seconds (an import, the dedupe tool), and the
 * waiting is done here, asynchronously, rather than by the driver blocking the event loop.
 */
export interface RetryPolicy {
  /** From the start of a write until it gives up (503). */
  maxWaitMs: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxWaitMs: 3000,
  baseDelayMs: 5,
  maxDelayMs: 250,
};

export interface RunnerOptions {
  retry?: RetryPolicy;
  /**
   * PostgreSQL: each transaction's statements are cancelled after this (`SET LOCAL`, so that it
   * holds behind a transaction-mode pooler and leaves nothing on the server connection); 0 or
   * absent: no limit (the commands).
   */
  statementTimeoutMs?: number;
}

export const RUNNER_OPTIONS = Symbol('RUNNER_OPTIONS');

/** What a write is, for its log lines (the logger adds the request id itself). */
export interface WriteContext {
  workoutId?: number;
  /** What is being written, when not a workout ("the import", "the login", ...). */
  what?: string;
}

type Work<T> = (manager: EntityManager) => Promise<T>;

const describe = ({ workoutId, what }: WriteContext) =>
  what ?? (workoutId === undefined ? 'a write' : `the write of workout ${workoutId}`);

interface BrokenReleasable {
  releasePostgresConnection(error: unknown): Promise<void>;
}

/**
 * The one way to the database: every write of a request or a command is a `write`, every read a
 * `read`. A write is one transaction, tried again with jittered, exponential backoff when it
 * meets a conflict (a unique violation, a serialization failure or deadlock, another process's
 * SQLite lock), each retry logged and counted, until its time is up: then 503 with Retry-After,
 * as is a database that cannot be reached.
 *
 * PostgreSQL: each transaction gets its own pooled connection (query runner).
 * SQLite: TypeORM's better-sqlite3 driver has one connection and one query runner for the whole
 * process, so two interleaved transactions would nest or collide and one request's rollback
 * could undo another's write. Transactions and reads therefore take the connection in turn, and
 * writes start with BEGIN IMMEDIATE, so another process on the same file makes a write wait at
 * BEGIN instead of failing at its first statement. That wait blocks the event loop (the driver
 * is synchronous) for at most the short busy timeout; writers queue for their turn in arrival
 * order, so only the first of them polls another process's lock while the rest wait
 * asynchronously and reads go on.
 */
@Injectable()
export class TransactionRunner {
  private readonly logger = new Logger(TransactionRunner.name);
  private readonly policy: RetryPolicy;
  /** PostgreSQL: what each transaction sets first (the statement timeout), or null. */
  private readonly transactionSettings: string | null;
  /** SQLite: the one connection, held by one transaction or read at a time. */
  private readonly connection = new Mutex();
  /** SQLite: writers in arrival order. */
  private readonly writers = new Mutex();
  /** SQLite: the last BEGIN IMMEDIATE found another process's lock, and none has got in since. */
  private heldElsewhere = false;
  private readonly retryListeners: ((code: string) => void)[] = [];
  readonly engine: 'sqlite' | 'postgres';

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Optional() @Inject(RUNNER_OPTIONS) { retry, statementTimeoutMs = 0 }: RunnerOptions = {},
  ) {
    this.policy = retry ?? DEFAULT_RETRY_POLICY;
    this.transactionSettings =
      statementTimeoutMs > 0
        ? `SET LOCAL statement_timeout = ${Math.trunc(statementTimeoutMs)}`
        : null;
    this.engine = dataSource.options.type === 'postgres' ? 'postgres' : 'sqlite';
    if (this.engine === 'postgres') this.guardDyingConnections();
  }

  /** Called with the driver's code at every retry (the metrics count them). */
  onRetry(listener: (code: string) => void): void {
    this.retryListeners.push(listener);
  }

  /** Runs `work` in one transaction, retried on conflicts within the policy's time. */
  async write<T>(context: WriteContext, work: Work<T>): Promise<T> {
    const deadline = performance.now() + this.policy.maxWaitMs;
    try {
      if (this.engine === 'postgres') {
        return await this.retried(context, deadline, () => this.postgresTransaction(work, true));
      }
      return await this.writers.runExclusive(() => {
        // Its whole time went by in line behind a writer that waited for another process.
        if (this.heldElsewhere && performance.now() > deadline) {
          this.logger.error(context, `Giving up on ${describe(context)}: the database is locked`);
          throw databaseUnavailable();
        }
        return this.retried(context, deadline, () => this.sqliteTransaction(work, true));
      });
    } catch (error) {
      throw this.asUnavailable(error);
    }
  }

  /**
   * Runs `work` in a transaction that is always rolled back, so that a command can show what a
   * write would do (the dedupe tool's dry run). Not retried: nothing is written.
   */
  async rehearse<T>(work: Work<T>): Promise<T> {
    try {
      if (this.engine === 'postgres') return await this.postgresTransaction(work, false);
      return await this.writers.runExclusive(() => this.sqliteTransaction(work, false));
    } catch (error) {
      throw this.asUnavailable(error);
    }
  }

  /**
   * Reads. On SQLite outside a transaction, once a running one has finished. On PostgreSQL in a
   * read-only transaction when there is a statement timeout to set (a pooler hands out a server
   * connection per transaction: a session setting would not hold, or would leak to another
   * client); else outside one.
   */
  async read<T>(work: Work<T>): Promise<T> {
    try {
      if (this.engine === 'sqlite') {
        return await this.connection.runExclusive(() => work(this.dataSource.manager));
      }
      if (this.transactionSettings) {
        return await this.postgresTransaction(work, true, 'SET TRANSACTION READ ONLY');
      }
      return await work(this.dataSource.manager);
    } catch (error) {
      throw this.asUnavailable(error);
    }
  }

  private async retried<T>(
    context: WriteContext,
    deadline: number,
    attempt: () => Promise<T>,
  ): Promise<T> {
    for (let n = 1; ; n++) {
      try {
        return await attempt();
      } catch (error) {
        if (!isRetryableConflict(error)) throw error;
        const code = databaseErrorCode(error) as string;
        const delay = this.backoff(n);
        if (performance.now() + delay > deadline) {
          this.logger.error(
            { ...context, code, attempts: n },
            `Giving up on ${describe(context)} after ${n} attempts (${code})`,
          );
          throw isLockHeldElsewhere(error)
            ? databaseUnavailable(error)
            : new DomainError(
                'BUSY',
                'The database is busy with concurrent updates of this workout; please retry',
                { cause: error },
              );
        }
        for (const listener of this.retryListeners) listener(code);
        this.logger.warn(
          { ...context, code, attempt: n },
          `Retrying ${describe(context)} after ${code} (attempt ${n})`,
        );
        await sleep(delay);
      }
    }
  }

  private backoff(attempt: number): number {
    const ceiling = Math.min(this.policy.maxDelayMs, this.policy.baseDelayMs * 2 ** (attempt - 1));
    // Half fixed, half random: waits grow, and writers that met the same lock spread out.
    return ceiling / 2 + (Math.random() * ceiling) / 2;
  }

  /** A database that cannot be reached, or is held past the wait: 503 with Retry-After. */
  private asUnavailable(error: unknown): unknown {
    if (error instanceof DomainError) return error;
    return isDatabaseUnavailable(error) ? databaseUnavailable(error) : error;
  }

  /**
   * A PostgreSQL connection that dies (the server restarting, pg_terminate_backend) can emit
   * 'error' again after TypeORM and the pool have let go of it; an EventEmitter's 'error' with
   * no listener crashes the process. Each pooled connection gets one listener of its own for
   * the whole of its life (the failure itself reaches the request through its query).
   */
  private guardDyingConnections(): void {
    const pool = (this.dataSource.driver as unknown as { master?: EventEmitter }).master;
    const guarded = new WeakSet<EventEmitter>();
    pool?.on('acquire', (client: EventEmitter) => {
      if (guarded.has(client)) return;
      guarded.add(client);
      client.on('error', () => undefined);
    });
  }

  private async postgresTransaction<T>(
    work: Work<T>,
    commit: boolean,
    readOnly?: 'SET TRANSACTION READ ONLY',
  ): Promise<T> {
    const queryRunner = this.dataSource.createQueryRunner();
    // A connection that dies mid-transaction (the server restarting, pg_terminate_backend) says
    // why on its 'error' event; TypeORM then releases the runner, and the next statement fails
    // only with "query runner already released". The cause is kept to be thrown instead.
    let lost: unknown;
    const onConnectionError = (error: unknown) => (lost ??= error);
    let connection: EventEmitter | undefined;
    try {
      connection = (await queryRunner.connect()) as EventEmitter;
      connection.on('error', onConnectionError);
      try {
        await queryRunner.startTransaction();
        // One round trip: statements without parameters go as one simple query.
        const settings = [this.transactionSettings, readOnly].filter(Boolean).join('; ');
        if (settings) await queryRunner.query(settings);
        const result = await work(queryRunner.manager);
        if (commit) await queryRunner.commitTransaction();
        else await queryRunner.rollbackTransaction();
        return result;
      } catch (error) {
        await this.rollbackAfter(queryRunner);
        throw lost ?? error;
      }
    } finally {
      connection?.removeListener('error', onConnectionError);
      await queryRunner.release();
    }
  }

  /**
   * A rollback that fails (the connection is gone: the database restarted, the network broke)
   * must not hide why the transaction failed; the broken connection is given back to the pool
   * as broken, so it is never handed out again.
   */
  private async rollbackAfter(queryRunner: QueryRunner): Promise<void> {
    if (!queryRunner.isTransactionActive || queryRunner.isReleased) return;
    try {
      await queryRunner.rollbackTransaction();
    } catch (rollbackError) {
      // TypeORM's own path for a connection that failed (pg-pool then destroys the client).
      await (queryRunner as unknown as BrokenReleasable).releasePostgresConnection(rollbackError);
    }
  }

  private sqliteTransaction<T>(work: Work<T>, commit: boolean): Promise<T> {
    return this.connection.runExclusive(async () => {
      const manager = this.dataSource.manager;
      try {
        await manager.query('BEGIN IMMEDIATE');
        this.heldElsewhere = false;
      } catch (error) {
        if (isLockHeldElsewhere(error)) this.heldElsewhere = true;
        throw error;
      }
      try {
        const result = await work(manager);
        await manager.query(commit ? 'COMMIT' : 'ROLLBACK');
        return result;
      } catch (error) {
        // A failed ROLLBACK (an I/O error) must not hide the original failure either.
        if (this.sqliteInTransaction()) await manager.query('ROLLBACK').catch(() => undefined);
        throw error;
      }
    });
  }

  private sqliteInTransaction(): boolean {
    const driver = this.dataSource.driver as unknown as {
      databaseConnection?: { inTransaction: boolean };
    };
    return driver.databaseConnection?.inTransaction ?? true;
  }
}
