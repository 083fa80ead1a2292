import { FastifyReply, FastifyRequest, LogController } from 'fastify';
import { Store, storage } from 'nestjs-pino/storage';
import pino, { Logger } from 'pino';
import type { LogLevel } from '../config/configuration';

interface LoggedRequest {
  method: string;
  url: string;
}

/**
 * The process's one pino logger: Fastify's request loggers are its children (each bound to the
 * request's `reqId`), and Nest's logger writes through them while a request is handled. Bodies
 * and headers are never serialised; the feed's `?token=` is masked.
 */
export function createRootLogger(level: LogLevel): Logger {
  return pino({
    level,
    redact: { paths: ['req.headers.authorization', 'req.headers.cookie'], censor: '[redacted]' },
    serializers: {
      req: (req: LoggedRequest) => ({
        method: req.method,
        url: req.url.replace(/([?&]token=)[^&]*/, '$1[redacted]'),
      }),
      // The status is what an access line needs.
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      err: pino.stdSerializers.err,
    },
  });
}

/** One access line per request, when it completes, at a level that follows the status. */
export class AccessLog extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
  ): void {
    const status = reply.statusCode;
    const level = error || status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info';
    reply.log[level](
      { req: request, res: reply, responseTime: Math.round(reply.elapsedTime) },
      'request completed',
    );
  }
}

/**
 * Runs the rest of a request's handling with its child logger as the one nestjs-pino's Logger
 * writes through. (nestjs-pino does this in a middleware; a Fastify hook spares Fastify's
 * middleware engine on every request. `storage` is the module nestjs-pino reads it from.)
 */
export function withRequestLogger(logger: Logger, next: () => void): void {
  storage.run(new Store(logger), next);
}
