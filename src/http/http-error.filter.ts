import {
  ArgumentsHost,
  Catch,
  ExceptionFilter,
  HttpException,
  HttpStatus,
  Inject,
  Logger,
  NotFoundException,
  Optional,
} from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { DatabaseUnavailableCheck } from '../shared/domain-error';
import {
  DATABASE_UNAVAILABLE_CHECK,
  databaseUnavailable,
  DomainError,
  DomainErrorCode,
} from '../shared/domain-error';
import { urlPath } from './logging';
import type { ErrorJson } from './http.presenter';
import { RouteTable } from './route-table';

declare module 'fastify' {
  interface FastifyRequest {
    /**
     * Why the request failed with a 5xx: the access log line carries it, the client never; the
     * metrics count the database's unavailability from it.
     */
    failure?: unknown;
  }
}

const STATUS_OF: Record<DomainErrorCode, number> = {
  NOT_FOUND: HttpStatus.NOT_FOUND,
  BAD_INPUT: HttpStatus.BAD_REQUEST,
  UNAUTHORIZED: HttpStatus.UNAUTHORIZED,
  TOO_MANY_REQUESTS: HttpStatus.TOO_MANY_REQUESTS,
  FORBIDDEN: HttpStatus.FORBIDDEN,
  BUSY: HttpStatus.SERVICE_UNAVAILABLE,
  UNAVAILABLE: HttpStatus.SERVICE_UNAVAILABLE,
  UPSTREAM_UNAVAILABLE: HttpStatus.SERVICE_UNAVAILABLE,
  BAD_GATEWAY: HttpStatus.BAD_GATEWAY,
  MISCONFIGURED: HttpStatus.INTERNAL_SERVER_ERROR,
};

/** Never the query: the calendar feed's token is in it (see AccessLog). */
const pathOf = (request: FastifyRequest) => urlPath(request.url);

const MISCONFIGURED =
  'The server is not configured for this request; the details are in the server log';
/** Worth retrying soon: the database restarting, another process holding the lock. */
const RETRY_SOON = { 'Retry-After': '1' };

interface Answer {
  status: number;
  body: ErrorJson;
  headers?: Record<string, string>;
}

/**
 * Turns every error into the contract's `{"error": "..."}` body. Unknown errors become a generic
 * 500 with the request id; a database that cannot be reached is 503 with Retry-After (the write
 * path says so with an UNAVAILABLE error; a driver error that escaped it is recognised by the
 * check the database layer provides). The cause of any 5xx goes to the log only, on the
 * request's one access line (see AccessLog).
 */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpError');

  constructor(
    private readonly routes: RouteTable,
    @Optional()
    @Inject(DATABASE_UNAVAILABLE_CHECK)
    private readonly isDatabaseUnavailable: DatabaseUnavailableCheck = () => false,
  ) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const failure =
      !(exception instanceof DomainError) && this.isDatabaseUnavailable(exception)
        ? databaseUnavailable(exception)
        : exception;
    const { status, body, headers } = this.describe(failure, request);
    if (status >= 500) request.failure = failure;
    if (reply.sent) {
      // Too late to answer: the access line has gone or goes without it.
      this.logger.error({ err: failure }, `${request.method} ${pathOf(request)} failed late`);
      return;
    }
    if (headers) void reply.headers(headers);
    void reply.status(status).send(body);
  }

  private describe(exception: unknown, request: FastifyRequest): Answer {
    if (exception instanceof DomainError) {
      const status = STATUS_OF[exception.code];
      switch (exception.code) {
        case 'MISCONFIGURED':
          return { status, body: { error: MISCONFIGURED, requestId: request.id } };
        case 'UNAVAILABLE':
        case 'BUSY':
          return { status, body: { error: exception.message }, headers: RETRY_SOON };
        case 'TOO_MANY_REQUESTS':
          return {
            status,
            body: { error: exception.message },
            headers: { 'Retry-After': String(exception.retryAfterSeconds ?? 60) },
          };
        default:
          return status >= 500
            ? { status, body: { error: exception.message, requestId: request.id } }
            : { status, body: { error: exception.message } };
      }
    }
    if (exception instanceof NotFoundException && this.isUnmatchedRoute(exception)) {
      const path = pathOf(request);
      const allow = this.routes.allowedMethods(path);
      if (allow.length > 0) {
        return {
          status: HttpStatus.METHOD_NOT_ALLOWED,
          body: { error: `Method ${request.method} not allowed on ${path}` },
          headers: { Allow: allow.join(', ') },
        };
      }
      return { status: HttpStatus.NOT_FOUND, body: { error: `Not found: ${path}` } };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      if (status >= 500) return this.internal(request);
      return { status, body: { error: this.messageOf(exception) } };
    }
    // Nest maps Fastify's own errors to HttpExceptions only on the error-handler path; those
    // of plugins called from a handler (multipart limits) arrive as they are.
    const fastifyStatus = clientErrorStatusOf(exception);
    if (fastifyStatus !== undefined) {
      return { status: fastifyStatus, body: { error: (exception as Error).message } };
    }
    return this.internal(request);
  }

  private internal(request: FastifyRequest): Answer {
    return {
      status: HttpStatus.INTERNAL_SERVER_ERROR,
      body: { error: 'Internal server error', requestId: request.id },
    };
  }

  private messageOf(exception: HttpException): string {
    const response = exception.getResponse();
    if (typeof response === 'string') return response;
    const message = (response as { message?: unknown }).message;
    if (Array.isArray(message)) return message.join('; ');
    if (typeof message === 'string') return message;
    return exception.message;
  }

  private isUnmatchedRoute(exception: NotFoundException): boolean {
    return /^Cannot [A-Z]+ /.test(exception.message);
  }
}

/** A Fastify (or Fastify plugin) error raised for a bad request: its 4xx status. */
function clientErrorStatusOf(exception: unknown): number | undefined {
  const error = exception as { name?: unknown; statusCode?: unknown };
  if (!(exception instanceof Error) || error.name !== 'FastifyError') return undefined;
  const status = error.statusCode;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : undefined;
}
