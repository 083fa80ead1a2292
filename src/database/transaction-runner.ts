import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Mutex } from 'async-mutex';
import { DataSource, EntityManager } from 'typeorm';

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
  readonly engine: 'sqlite' | 'postgres';

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    this.engine = dataSource.options.type === 'postgres' ? 'postgres' : 'sqlite';
  }

  async transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    if (this.engine === 'sqlite') {
      return this.sqliteLock.runExclusive(() => this.sqliteTransaction(work));
    }
    const queryRunner = this.dataSource.createQueryRunner();
    await queryRunner.connect();
    try {
      await queryRunner.startTransaction();
      try {
        const result = await work(queryRunner.manager);
        await queryRunner.commitTransaction();
        return result;
      } catch (error) {
        if (queryRunner.isTransactionActive) await queryRunner.rollbackTransaction();
        throw error;
      }
    } finally {
      await queryRunner.release();
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
    await manager.query('BEGIN IMMEDIATE');
    try {
      const result = await work(manager);
      await manager.query('COMMIT');
      return result;
    } catch (error) {
      if (this.sqliteInTransaction()) await manager.query('ROLLBACK');
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
