import {
  DynamicModule,
  Global,
  Module,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { AppConfig } from '../config/configuration';
import { DATABASE_UNAVAILABLE_CHECK } from '../shared/domain-error';
import { buildDataSourceOptions, ConnectionUse } from './data-source.options';
import { isDatabaseUnavailable } from './driver-errors';
import { MigrationRunner } from './migration-runner';
import { holdSqliteFile } from './sqlite-in-use';
import { RUNNER_OPTIONS, RunnerOptions, TransactionRunner } from './transaction-runner';

/**
 * The connection, its write path and its migrations. `requests`: the server's, with the
 * configured pool and timeouts and SQLite's short busy timeout; `maintenance`: a command's,
 * which has nothing else to serve and waits its turn behind another process.
 */
@Global()
@Module({})
export class DatabaseModule implements OnApplicationBootstrap, OnApplicationShutdown {
  private letGo?: () => Promise<void>;

  static forRoot(use: ConnectionUse['use'] = 'requests'): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          inject: [ConfigService],
          useFactory: (config: ConfigService<AppConfig, true>) => ({
            ...buildDataSourceOptions(
              config.get('database', { infer: true }),
              use === 'requests'
                ? { use, pool: config.get('databasePool', { infer: true }) }
                : { use },
            ),
            // Each feature registers its entities (TypeOrmModule.forFeature).
            autoLoadEntities: true,
            // Fail at boot instead of retrying for minutes when the database is unreachable.
            retryAttempts: 0,
          }),
        }),
      ],
      providers: [
        {
          provide: RUNNER_OPTIONS,
          inject: [ConfigService],
          useFactory: (config: ConfigService<AppConfig, true>): RunnerOptions =>
            use === 'requests'
              ? {
                  statementTimeoutMs: config.get('databasePool', { infer: true })
                    .statementTimeoutMs,
                }
              : {},
        },
        TransactionRunner,
        MigrationRunner,
        { provide: DATABASE_UNAVAILABLE_CHECK, useValue: isDatabaseUnavailable },
      ],
      exports: [TransactionRunner, MigrationRunner, DATABASE_UNAVAILABLE_CHECK],
    };
  }

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
