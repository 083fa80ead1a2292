import { DataSource, Migration, MigrationExecutor } from 'typeorm';

/**
 * Applies every pending migration in one transaction that also covers the creation of the
 * `migrations` table. TypeORM's own `runMigrations({ transaction: 'all' })` creates that table
 * before it opens its transaction, so a failed run on a legacy database would leave an empty
 * `migrations` table behind; here a failure leaves the database exactly as it was.
 */
export async function runMigrationsAtomically(dataSource: DataSource): Promise<Migration[]> {
  const queryRunner = dataSource.createQueryRunner();
  await queryRunner.connect();
  try {
    await queryRunner.startTransaction();
    try {
      // Given a query runner inside a transaction, the executor neither begins nor ends one.
      const executor = new MigrationExecutor(dataSource, queryRunner);
      executor.transaction = 'all';
      const applied = await executor.executePendingMigrations();
      await queryRunner.commitTransaction();
      return applied;
    } catch (error) {
      if (queryRunner.isTransactionActive) await queryRunner.rollbackTransaction();
      throw error;
    }
  } finally {
    await queryRunner.release();
  }
}

/**
 * The DataSource of the TypeORM CLI (ormconfig.ts): `npm run migration:run` goes through
 * runMigrationsAtomically in the default 'all' mode, like the app at boot.
 */
export class AtomicMigrationsDataSource extends DataSource {
  override async runMigrations(
    options?: Parameters<DataSource['runMigrations']>[0],
  ): Promise<Migration[]> {
    const mode = options?.transaction ?? this.options.migrationsTransactionMode ?? 'all';
    if (mode !== 'all' || options?.fake) return super.runMigrations(options);
    return runMigrationsAtomically(this);
  }
}
