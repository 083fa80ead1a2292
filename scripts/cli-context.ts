import 'reflect-metadata';
import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from '../src/app.module';

/**
 * The app's own modules without the HTTP server, for command-line tools: same configuration,
 * same migrations, same services. The CLI signs no tokens, so it needs no SECRET_KEY.
 */
export function cliContext(): Promise<INestApplicationContext> {
  return NestFactory.createApplicationContext(
    AppModule.forRoot({
      SECRET_KEY: process.env.SECRET_KEY || 'the-cli-signs-no-tokens',
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    }),
    { logger: ['error', 'warn'] },
  );
}
