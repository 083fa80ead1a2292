import 'reflect-metadata';
import { DynamicModule, INestApplicationContext, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CalendarFeedTokensModule } from '../calendar/calendar-feed-tokens.module';
import { configModule } from '../config/config.module';
import type { Env } from '../config/configuration';
import { DatabaseModule } from '../database/database.module';
import { UsersModule } from '../users/users.module';
import { WorkoutImportModule } from '../workout-import/workout-import.module';

/**
 * What the commands call, without the HTTP server: the same configuration, migrations and
 * services as the server, on a maintenance connection (a write waits its turn behind a
 * server's or another command's, for long; no request timeouts).
 */
@Module({})
export class CliModule {
  static forRoot(env: Env): DynamicModule {
    return {
      module: CliModule,
      imports: [
        configModule(env),
        DatabaseModule.forRoot('maintenance'),
        UsersModule,
        CalendarFeedTokensModule,
        WorkoutImportModule,
      ],
    };
  }
}

/** The commands sign no tokens, so they need no SECRET_KEY. */
export function cliContext(): Promise<INestApplicationContext> {
  return NestFactory.createApplicationContext(
    CliModule.forRoot({
      ...process.env,
      SECRET_KEY: process.env.SECRET_KEY || 'the-cli-signs-no-tokens',
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    }),
    { logger: ['error', 'warn'] },
  );
}
