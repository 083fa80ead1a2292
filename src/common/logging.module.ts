import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { LoggerModule } from 'nestjs-pino';
import type { Logger } from 'pino';
import type { AppConfig } from '../config/configuration';
import { createRootLogger } from './logging';

/**
 * Nest's logger on pino (nestjs-pino). Under HTTP it writes through Fastify's logger: each
 * request's child logger (bound to its `reqId`) is made current for the request, so every line
 * a service logs while handling it carries the id. Command-line tools get a logger of their own.
 */
@Module({
  imports: [
    LoggerModule.forRootAsync({
      inject: [HttpAdapterHost, ConfigService],
      useFactory: (host: HttpAdapterHost, config: ConfigService<AppConfig, true>) => {
        const fastify = host.httpAdapter?.getInstance<FastifyInstance>();
        const logger =
          (fastify?.log as Logger | undefined) ??
          createRootLogger(config.get('logLevel', { infer: true }));
        // No middleware: the request's logger is bound by a Fastify hook (withRequestLogger).
        return { pinoHttp: { logger }, useExisting: true, forRoutes: [] };
      },
    }),
  ],
})
export class LoggingModule {}
