import { Global, Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { AppConfig } from '../config/configuration';
import { buildDataSourceOptions } from './data-source.options';
import { ConflictRetry } from './conflict-retry';
import { MigrationRunner } from './migration-runner';
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
export class DatabaseModule {}
