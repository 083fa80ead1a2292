import { DataSource, Migration, MigrationExecutor, QueryRunner } from 'typeorm';

// Any constant works; it only has to be the same in every process and tool of this app.
const POSTGRES_MIGRATION_LOCK = 7_061_990;

/**
 * TypeORM's own SQLite BEGIN is deferred, so ours is issued by hand; the runner is told about it
 * so that the migration executor neither begins nor ends a transaction of its own.
 */
function markTransaction(queryRunner: QueryRunner, active: boolean): void {
  (queryRunner as { isTransactionActive: boolean }).isTransactionActive = active;
}

/**
 * Runs `work` in one transaction that no other process's migration overlaps: on PostgreSQL it
 * holds a transaction-scoped advisory lock (the app at boot and `npm run migration:*` take the
 * same one); on SQLite it starts with BEGIN IMMEDIATE, so a second process waits for the write
 * lock (the busy timeout of a maintenance connection) instead of failing mid-way.
 */
async function inMigrationTransaction<T>(
  dataSource: DataSource,
  work: (queryRunner: QueryRunner) => Promise<T>,
): Promise<T> {
  const sqlite = dataSource.options.type !== 'postgres';
  const queryRunner = dataSource.createQueryRunner();
  await queryRunner.connect();
  try {
    if (sqlite) {
      await queryRunner.query('BEGIN IMMEDIATE');
      markTransaction(queryRunner, true);
    } else {
      await queryRunner.startTransaction();
      await queryRunner.query('SELECT pg_advisory_xact_lock($1)', [POSTGRES_MIGRATION_LOCK]);
    }
    try {
      const result = await work(queryRunner);
      if (sqlite) {
        markTransaction(queryRunner, false);
        await queryRunner.query('COMMIT');
      } else {
        await queryRunner.commitTransaction();
      }
      return result;
    } catch (error) {
      if (sqlite) {
        markTransaction(queryRunner, false);
        await queryRunner.query('ROLLBACK').catch(() => undefined);
      } else if (queryRunner.isTransactionActive) {
        await queryRunner.rollbackTransaction().catch(() => undefined);
      }
      throw error;
    }
  } finally {
    await queryRunner.release();
  }
}

/**
 * Applies every pending migration in one transaction that also covers the creation of the
 * `migrations` table. TypeORM's own `runMigrations({ transaction: 'all' })` creates that table
 * before it opens its transaction, so a failed run on a legacy database would leave an empty
 * `migrations` table behind; here a failure leaves the database exactly as it was.
 */
export function runMigrationsAtomically(dataSource: DataSource): Promise<Migration[]> {
  return inMigrationTransaction(dataSource, (queryRunner) => {
    const executor = new MigrationExecutor(dataSource, queryRunner);
    executor.transaction = 'all';
    return executor.executePendingMigrations();
  });
}

/** Reverts the newest applied migration, under the same lock as the runs. */
export function undoLastMigrationAtomically(dataSource: DataSource): Promise<void> {
  return inMigrationTransaction(dataSource, (queryRunner) => {
    const executor = new MigrationExecutor(dataSource, queryRunner);
    executor.transaction = 'all';
    return executor.undoLastMigration();
  });
}

/**
 * The DataSource of the TypeORM CLI (ormconfig.ts): `npm run migration:run` and
 * `migration:revert` go through the functions above in the default 'all' mode, like the app at
 * boot, and so wait for an app that is migrating rather than fail beside it.
 */
export class AtomicMigrationsDataSource extends DataSource {
  override async runMigrations(
    options?: Parameters<DataSource['runMigrations']>[0],
  ): Promise<Migration[]> {
    const mode = options?.transaction ?? this.options.migrationsTransactionMode ?? 'all';
    if (mode !== 'all' || options?.fake) return super.runMigrations(options);
    return runMigrationsAtomically(this);
  }

  override async undoLastMigration(
    options?: Parameters<DataSource['undoLastMigration']>[0],
  ): Promise<void> {
    const mode = options?.transaction ?? this.options.migrationsTransactionMode ?? 'all';
    if (mode !== 'all' || options?.fake) return super.undoLastMigration(options);
    return undoLastMigrationAtomically(this);
  }
}
