import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { APP_FILTER, APP_PIPE, HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { LoggerModule } from 'nestjs-pino';
import type { Logger } from 'pino';
import type { AppConfig } from '../config/configuration';
import { HttpErrorFilter } from './http-error.filter';
import { createRootLogger } from './logging';
import { RouteTable } from './route-table';
import { AppValidationPipe } from './validation';

/**
 * The HTTP edge: the global validation pipe and error filter, the route table behind 405
 * answers, and Nest's logger on pino (nestjs-pino). Under HTTP the logger writes through
 * Fastify's: each request's child logger (bound to its `reqId`) is made current for the request
 * (see withRequestLogger), so every line a service logs while handling it carries the id.
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
  providers: [
    RouteTable,
    { provide: APP_PIPE, useClass: AppValidationPipe },
    { provide: APP_FILTER, useClass: HttpErrorFilter },
  ],
  exports: [RouteTable],
})
export class HttpModule {}
