import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { constants } from 'node:os';
import { AppModule } from './app.module';
import { configureApp, createHttpAdapter } from './app.setup';
import { ConfigError, loadConfig } from './config/configuration';
import { PendingMigrationsError } from './database/migration-runner';

async function bootstrap(): Promise<void> {
  const config = loadConfig(process.env);
  const app = await configureApp(
    await NestFactory.create<NestFastifyApplication>(
      AppModule.forRoot(process.env),
      createHttpAdapter(config),
      {
        bufferLogs: true,
        bodyParser: false,
      },
    ),
  );
  await app.listen(config.port, config.host);
  const logger = new Logger('Bootstrap');
  const where =
    config.database.engine === 'sqlite' ? config.database.path : 'PostgreSQL (DATABASE_URL)';
  logger.log(`Listening on http://${config.host}:${config.port}, database ${where}`);

  // A deploy's SIGTERM (or ^C): finish what is in flight, close the pool, exit 0. One handler
  // for both: a second signal of either kind while that runs ends the process at once.
  let stopping: NodeJS.Signals | null = null;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn(`${signal} received while shutting down after ${stopping}: exiting now`);
      process.exit(128 + constants.signals[signal]);
    }
    stopping = signal;
    logger.log(`${signal} received: shutting down`);
    app.close().then(
      () => {
        logger.log('Shut down cleanly');
        process.exit(0);
      },
      (error: unknown) => {
        console.error('workout-planner-api: shutdown failed:', error);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

bootstrap().catch((error: unknown) => {
  // One clear line for the operator: which setting is wrong, or what the database lacks.
  if (error instanceof ConfigError || error instanceof PendingMigrationsError) {
    console.error(`workout-planner-api: ${error.message}`);
  } else {
    console.error('workout-planner-api failed to start:', error);
  }
  process.exit(1);
});
