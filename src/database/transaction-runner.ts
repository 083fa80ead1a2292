import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Mutex } from 'async-mutex';
import type { EventEmitter } from 'node:events';
import { DataSource, EntityManager, QueryRunner } from 'typeorm';
import { SQLITE_BUSY_TIMEOUT_MS } from './data-source.options';
import { isLockHeldElsewhere } from './driver-errors';

/** After a writer found the lock taken, the next real try waits this long (see beginImmediate). */
const SQLITE_LOCK_RECHECK_MS = 2.5 * SQLITE_BUSY_TIMEOUT_MS;

interface BrokenReleasable {
  releasePostgresConnection(error: unknown): Promise<void>;
}

/**
 * Runs units of work against the database with the right isolation for each engine.
 *
 * PostgreSQL: each transaction gets its own pooled connection (query runner).
 * SQLite: TypeORM's better-sqlite3 driver has one connection and one query runner for the whole
 * process, so two interleaved transactions would nest or collide and one request's rollback
 * could undo another's write. Transactions are therefore serialised in-process (FIFO), and they
 * start with BEGIN IMMEDIATE so another process on the same file waits (busy timeout) at BEGIN
 * instead of failing at its first write.
 */
@Injectable()
export class TransactionRunner {
  private readonly sqliteLock = new Mutex();
  /** When a BEGIN IMMEDIATE last found the file locked by another process. */
  private lockTakenAt = -Infinity;
  readonly engine: 'sqlite' | 'postgres';

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    this.engine = dataSource.options.type === 'postgres' ? 'postgres' : 'sqlite';
    if (this.engine === 'postgres') this.guardDyingConnections();
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

  async transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    if (this.engine === 'sqlite') {
      return this.sqliteLock.runExclusive(() => this.sqliteTransaction(work));
    }
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
        const result = await work(queryRunner.manager);
        await queryRunner.commitTransaction();
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

  /** Reads outside a transaction; on SQLite they wait for a running transaction to finish. */
  async read<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    if (this.engine === 'sqlite') {
      return this.sqliteLock.runExclusive(() => work(this.dataSource.manager));
    }
    return work(this.dataSource.manager);
  }

  private async sqliteTransaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    const manager = this.dataSource.manager;
    await this.beginImmediate(manager);
    try {
      const result = await work(manager);
      await manager.query('COMMIT');
      return result;
    } catch (error) {
      // A failed ROLLBACK (an I/O error) must not hide the original failure either.
      if (this.sqliteInTransaction()) await manager.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  }

  /**
   * BEGIN IMMEDIATE waits up to the busy timeout for another process's write lock, blocking the
   * event loop (better-sqlite3 is synchronous). Writers queued behind one that just found the
   * lock taken would each block in turn; for a moment they fail at once instead, and the
   * conflict retry waits for them, asynchronously.
   */
  private async beginImmediate(manager: EntityManager): Promise<void> {
    if (performance.now() - this.lockTakenAt < SQLITE_LOCK_RECHECK_MS) {
      throw Object.assign(new Error('database is locked (by another process, just now)'), {
        code: 'SQLITE_BUSY',
      });
    }
    try {
      await manager.query('BEGIN IMMEDIATE');
    } catch (error) {
      if (isLockHeldElsewhere(error)) this.lockTakenAt = performance.now();
      throw error;
    }
  }

  private sqliteInTransaction(): boolean {
    const driver = this.dataSource.driver as unknown as {
      databaseConnection?: { inTransaction: boolean };
    };
    return driver.databaseConnection?.inTransaction ?? true;
  }
}
