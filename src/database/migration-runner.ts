import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, MigrationExecutor } from 'typeorm';
import type { AppConfig } from '../config/configuration';
import { buildDataSourceOptions, enableWriteAheadLog } from './data-source.options';
import { runMigrationsAtomically } from './run-migrations';

/** Thrown at boot when MIGRATIONS_RUN=false and the database is behind. */
export class PendingMigrationsError extends Error {}

/**
 * Applies pending migrations before the server listens (MIGRATIONS_RUN, default true), or refuses
 * to serve a database whose migrations are pending: the unique index on
 * workout_selections.workout_id is what makes the selection upsert safe.
 *
 * It works on a maintenance connection of its own: no request timeouts, and on SQLite a long
 * busy timeout, so processes starting together on one database take turns (see
 * runMigrationsAtomically) instead of failing.
 */
@Injectable()
export class MigrationRunner implements OnModuleInit {
  private readonly logger = new Logger(MigrationRunner.name);
  /** Migrations applied to the database, as of this process's start. */
  executed = 0;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: ConfigService<AppConfig, true>,
  ) {}

  async onModuleInit(): Promise<void> {
    const target = this.config.get('database', { infer: true });
    // An in-memory SQLite database exists only on the app's own connection.
    const inMemory = target.engine === 'sqlite' && target.path === ':memory:';
    const maintenance = inMemory
      ? this.dataSource
      : await new DataSource(buildDataSourceOptions(target)).initialize();
    try {
      if (!this.config.get('migrationsRun', { infer: true })) {
        const pending = await new MigrationExecutor(maintenance).getPendingMigrations();
        if (pending.length > 0) {
          throw new PendingMigrationsError(
            `${pending.length} pending migration(s): ${pending.map((m) => m.name).join(', ')}. ` +
              'Run `npm run migration:run` or start with MIGRATIONS_RUN=true.',
          );
        }
      } else {
        const applied = await runMigrationsAtomically(maintenance);
        for (const migration of applied) this.logger.log(`Applied migration ${migration.name}`);
      }
      await enableWriteAheadLog(maintenance);
      this.executed = (await new MigrationExecutor(maintenance).getExecutedMigrations()).length;
    } finally {
      if (maintenance !== this.dataSource) await maintenance.destroy();
    }
  }
}
