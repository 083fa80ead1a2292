import { FastifyReply, FastifyRequest, LogController } from 'fastify';
import { Store, storage } from 'nestjs-pino/storage';
import pino, { DestinationStream, Logger, LoggerOptions } from 'pino';
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
export function createRootLogger(level: LogLevel, destination?: DestinationStream): Logger {
  const options: LoggerOptions = {
    level,
    redact: { paths: ['req.headers.authorization', 'req.headers.cookie'], censor: '[redacted]' },
    serializers: {
      req: (req: LoggedRequest) => ({
        method: req.method,
        url: req.url.replace(/([?&]token=)[^&]*/, '$1[redacted]'),
      }),
      // The status is what an access line needs.
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      // A failed query's SQL stays, its parameters (user data) do not.
      err: (error: Error) => {
        const serialized = pino.stdSerializers.err(error) as Record<string, unknown>;
        delete serialized.parameters;
        return serialized;
      },
    },
  };
  return destination ? pino(options, destination) : pino(options);
}

/**
 * One access line per request, when it completes, at a level that follows the status; a 5xx
 * carries its cause (`err`), set by the error filter, so a failure is one line, not two.
 */
export class AccessLog extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
  ): void {
    const status = reply.statusCode;
    const level = error || status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info';
    const failure = error ?? request.failure;
    reply.log[level](
      { req: request, res: reply, err: failure, responseTime: Math.round(reply.elapsedTime) },
      failure ? 'request failed' : 'request completed',
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
