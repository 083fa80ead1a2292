import { Global, Module, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { AppConfig } from '../config/configuration';
import { buildDataSourceOptions } from './data-source.options';
import { ConflictRetry } from './conflict-retry';
import { MigrationRunner } from './migration-runner';
import { holdSqliteFile } from './sqlite-in-use';
import { TransactionRunner } from './transaction-runner';

@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [ConfigService],
      useFactory: (config: ConfigService<AppConfig, true>) => ({
        ...buildDataSourceOptions(config.get('database', { infer: true }), {
          use: 'requests',
          pool: config.get('databasePool', { infer: true }),
        }),
        // Fail at boot instead of retrying for minutes when the database is unreachable.
        retryAttempts: 0,
      }),
    }),
  ],
  providers: [TransactionRunner, MigrationRunner, ConflictRetry],
  exports: [TransactionRunner, ConflictRetry],
})
export class DatabaseModule implements OnApplicationBootstrap, OnApplicationShutdown {
  private letGo?: () => Promise<void>;

  constructor(private readonly config: ConfigService<AppConfig, true>) {}

  /** A SQLite file in use by this server is marked so, for `npm run restore` to refuse. */
  async onApplicationBootstrap(): Promise<void> {
    const database = this.config.get('database', { infer: true });
    if (database.engine === 'sqlite' && database.path !== ':memory:') {
      this.letGo = await holdSqliteFile(database.path);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.letGo?.();
  }
}
