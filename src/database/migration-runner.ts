import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, MigrationExecutor } from 'typeorm';
import type { AppConfig } from '../config/configuration';
import { enableWriteAheadLog } from './data-source.options';
import { runMigrationsAtomically } from './run-migrations';

/** Thrown at boot when MIGRATIONS_RUN=false and the database is behind. */
export class PendingMigrationsError extends Error {}

// Any constant works; it only has to be the same in every process of this app.
const POSTGRES_MIGRATION_LOCK = 7_061_990;

/**
 * Applies pending migrations before the server listens (MIGRATIONS_RUN, default true), or refuses
 * to serve a database whose migrations are pending: the unique index on
 * workout_selections.workout_id is what makes the selection upsert safe.
 */
@Injectable()
export class MigrationRunner implements OnModuleInit {
  private readonly logger = new Logger(MigrationRunner.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: ConfigService<AppConfig, true>,
  ) {}

  async onModuleInit(): Promise<void> {
    if (!this.config.get('migrationsRun', { infer: true })) {
      const pending = await new MigrationExecutor(this.dataSource).getPendingMigrations();
      if (pending.length > 0) {
        throw new PendingMigrationsError(
          `${pending.length} pending migration(s): ${pending.map((m) => m.name).join(', ')}. ` +
            'Run `npm run migration:run` or start with MIGRATIONS_RUN=true.',
        );
      }
    } else {
      await this.withMigrationLock(async () => {
        const applied = await runMigrationsAtomically(this.dataSource);
        for (const migration of applied) this.logger.log(`Applied migration ${migration.name}`);
      });
    }
    await enableWriteAheadLog(this.dataSource);
  }

  /** Several app processes may start at once on one PostgreSQL database: one migrates, the others wait. */
  private async withMigrationLock(work: () => Promise<void>): Promise<void> {
    if (this.dataSource.options.type !== 'postgres') return work();
    const queryRunner = this.dataSource.createQueryRunner();
    await queryRunner.connect();
    try {
      await queryRunner.query('SELECT pg_advisory_lock($1)', [POSTGRES_MIGRATION_LOCK]);
      try {
        await work();
      } finally {
        await queryRunner.query('SELECT pg_advisory_unlock($1)', [POSTGRES_MIGRATION_LOCK]);
      }
    } finally {
      await queryRunner.release();
    }
  }
}
