import {
  ArgumentsHost,
  Catch,
  ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
  NotFoundException,
} from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, DomainErrorCode } from './domain-error';
import type { ErrorResponse } from './openapi';
import { RouteTable } from './route-table';

const STATUS_OF: Record<DomainErrorCode, number> = {
  NOT_FOUND: HttpStatus.NOT_FOUND,
  BAD_INPUT: HttpStatus.BAD_REQUEST,
  UNAUTHORIZED: HttpStatus.UNAUTHORIZED,
  FORBIDDEN: HttpStatus.FORBIDDEN,
  BUSY: HttpStatus.SERVICE_UNAVAILABLE,
  UPSTREAM_UNAVAILABLE: HttpStatus.SERVICE_UNAVAILABLE,
  BAD_GATEWAY: HttpStatus.BAD_GATEWAY,
  MISCONFIGURED: HttpStatus.INTERNAL_SERVER_ERROR,
};

const pathOf = (request: FastifyRequest) => request.url.split('?', 1)[0];

/**
 * Turns every error into the contract's `{"error": "..."}` body. Unknown errors become a generic
 * 500 with the request id; their cause goes to the log only.
 */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpError');

  constructor(private readonly routes: RouteTable) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const { status, body, allow } = this.describe(exception, request);
    if (status >= 500) {
      this.logger.error(
        { err: exception, requestId: request.id },
        `${request.method} ${pathOf(request)} failed`,
      );
    }
    if (reply.sent) return;
    if (allow) void reply.header('Allow', allow.join(', '));
    void reply.status(status).send(body);
  }

  private describe(
    exception: unknown,
    request: FastifyRequest,
  ): { status: number; body: ErrorResponse; allow?: string[] } {
    if (exception instanceof DomainError) {
      const status = STATUS_OF[exception.code];
      if (status >= 500 && exception.code !== 'MISCONFIGURED' && exception.code !== 'BUSY') {
        return { status, body: { error: exception.message, requestId: request.id } };
      }
      return { status, body: { error: exception.message } };
    }
    if (exception instanceof NotFoundException && this.isUnmatchedRoute(exception)) {
      const path = pathOf(request);
      const allow = this.routes.allowedMethods(path);
      if (allow.length > 0) {
        return {
          status: HttpStatus.METHOD_NOT_ALLOWED,
          body: { error: `Method ${request.method} not allowed on ${path}` },
          allow,
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

  private internal(request: FastifyRequest) {
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
