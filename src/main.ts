import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from './app.module';
import { configureApp, createHttpAdapter } from './app.setup';
import { ConfigError, loadConfig } from './config/configuration';
import { PendingMigrationsError } from './database/migration-runner';

async function bootstrap(): Promise<void> {
  const config = loadConfig();
  const app = await configureApp(
    await NestFactory.create<NestFastifyApplication>(
      AppModule.forRoot(),
      createHttpAdapter(config),
      {
        bufferLogs: true,
        bodyParser: false,
      },
    ),
  );
  await app.listen(config.port, config.host);
  const where =
    config.database.engine === 'sqlite' ? config.database.path : 'PostgreSQL (DATABASE_URL)';
  new Logger('Bootstrap').log(
    `Listening on http://${config.host}:${config.port}, database ${where}`,
  );
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
