import {
  ArgumentsHost,
  Catch,
  ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
  NotFoundException,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { Request, Response } from 'express';
import { DomainError, DomainErrorCode } from './domain-error';

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

interface RouteLayer {
  route?: { path: string; methods: Record<string, boolean> };
  match(path: string): boolean;
}

type RequestWithId = Request & { id?: string };

/**
 * Turns every error into the contract's `{"error": "..."}` body. Unknown errors become a generic
 * 500 with the request id; their cause goes to the log only.
 */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpError');

  constructor(private readonly adapterHost: HttpAdapterHost) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const request = host.switchToHttp().getRequest<RequestWithId>();
    const response = host.switchToHttp().getResponse<Response>();
    const { status, body, allow } = this.describe(exception, request);
    if (status >= 500) {
      this.logger.error(
        { err: exception, requestId: request.id },
        `${request.method} ${request.path} failed`,
      );
    }
    if (response.headersSent) return;
    if (allow) response.setHeader('Allow', allow.join(', '));
    response.status(status).json(body);
  }

  private describe(
    exception: unknown,
    request: RequestWithId,
  ): { status: number; body: Record<string, unknown>; allow?: string[] } {
    if (exception instanceof DomainError) {
      const status = STATUS_OF[exception.code];
      if (status >= 500 && exception.code !== 'MISCONFIGURED' && exception.code !== 'BUSY') {
        return { status, body: { error: exception.message, requestId: request.id } };
      }
      return { status, body: { error: exception.message } };
    }
    if (exception instanceof NotFoundException && this.isUnmatchedRoute(exception)) {
      const allow = this.allowedMethods(request.path);
      if (allow.length > 0) {
        return {
          status: HttpStatus.METHOD_NOT_ALLOWED,
          body: { error: `Method ${request.method} not allowed on ${request.path}` },
          allow,
        };
      }
      return { status: HttpStatus.NOT_FOUND, body: { error: `Not found: ${request.path}` } };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      if (status >= 500) return this.internal(request);
      return { status, body: { error: this.messageOf(exception) } };
    }
    return this.internal(request);
  }

  private internal(request: RequestWithId) {
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

  private allowedMethods(path: string): string[] {
    const instance = this.adapterHost.httpAdapter?.getInstance<{
      router?: { stack: RouteLayer[] };
    }>();
    const methods = new Set<string>();
    for (const layer of instance?.router?.stack ?? []) {
      // Middleware mounted on wildcards (`/api{/*splat}`) matches every path: not a route.
      if (!layer.route || layer.route.path.includes('*') || !layer.match(path)) continue;
      for (const method of Object.keys(layer.route.methods)) methods.add(method.toUpperCase());
    }
    if (methods.has('GET')) methods.add('HEAD');
    return [...methods].sort();
  }
}
