import type { AsyncLocalStorage } from 'node:async_hooks';
import { dirname, join } from 'node:path';
import { FastifyReply, FastifyRequest, LogController } from 'fastify';
import pino, { DestinationStream, Logger, LoggerOptions } from 'pino';
import type { LogLevel } from '../config/configuration';

interface LoggedRequest {
  method: string;
  url: string;
  /** Fastify's parsed query: what the route reads. */
  query?: unknown;
}

/**
 * Query parameters whose values are never logged: the calendar feed's `token`, and, in case a
 * client misspells it, any name holding `token` in any case (`TOKEN`, `access_token`).
 */
const SECRET_QUERY_KEY = /token/i;

/**
 * The path of a request's URL, as the router splits it from the query: at `?`, or at `#`
 * (find-my-way reads what follows `#` as the query too: `/api/calendar.ics#token=...` works).
 */
export function urlPath(url: string): string {
  const end = url.search(/[?#]/);
  return end === -1 ? url : url.slice(0, end);
}

/**
 * A request as the logs show it: the method, the path and the query Fastify parsed, with the
 * secret values masked. Never the raw query string: a key can be written in many ways that all
 * parse to `token` (`%74oken`, `to%6Ben`), so only the parsed keys can be checked.
 */
function loggedRequest(req: LoggedRequest) {
  const query: [string, unknown][] =
    req.query !== null && typeof req.query === 'object'
      ? Object.entries(req.query).map(([key, value]) => [
          key,
          SECRET_QUERY_KEY.test(key) ? '[redacted]' : value,
        ])
      : [];
  return {
    method: req.method,
    path: urlPath(req.url),
    query: query.length > 0 ? Object.fromEntries(query) : undefined,
  };
}

/**
 * The process's one pino logger: Fastify's request loggers are its children (each bound to the
 * request's `reqId`), and Nest's logger writes through them while a request is handled. Bodies
 * and headers are never serialised; the feed's `token` is masked (see loggedRequest).
 */
export function createRootLogger(level: LogLevel, destination?: DestinationStream): Logger {
  const options: LoggerOptions = {
    level,
    redact: { paths: ['req.headers.authorization', 'req.headers.cookie'], censor: '[redacted]' },
    serializers: {
      req: loggedRequest,
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

  // Fastify's own 404 line (unused: Nest answers 404s) carries the raw URL; the access line
  // reports the 404 anyway.
  override routeNotFound(): void {}

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
 * The store nestjs-pino's Logger reads the current logger from. nestjs-pino 5 keeps that module
 * behind its exports map, so it is required by its file, beside the package's entry point (the
 * logs spec fails if that ever moves). Its public `PinoLogger.runInContext` would make a second
 * child logger per request instead of using Fastify's.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a file path, not a package
const { Store, storage } = require(join(dirname(require.resolve('nestjs-pino')), 'storage.js')) as {
  Store: new (logger: Logger) => object;
  storage: AsyncLocalStorage<object>;
};

/**
 * Runs the rest of a request's handling with its child logger as the one nestjs-pino's Logger
 * writes through. (nestjs-pino does this in a middleware; a Fastify hook spares Fastify's
 * middleware engine on every request.)
 */
export function withRequestLogger(logger: Logger, next: () => void): void {
  storage.run(new Store(logger), next);
}
