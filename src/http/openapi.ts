import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptions, ApiResponse, DECORATORS } from '@nestjs/swagger';
import { ErrorJson } from './http.presenter';

/** A `YYYY-MM-DD` property in the API document. */
export const ApiDate = (options: ApiPropertyOptions = {}) =>
  ApiProperty({ type: String, format: 'date', example: '2026-01-05', ...options });

/** An ISO 8601 UTC timestamp property in the API document. */
export const ApiTimestamp = (options: ApiPropertyOptions = {}) =>
  ApiProperty({ type: String, format: 'date-time', ...options });

const ERROR_DESCRIPTIONS = {
  400: 'Bad input (the message names the field); nothing was changed',
  401: 'Missing, invalid or expired token',
  403: 'Forbidden',
  404: 'Not found',
  413: 'Body larger than the route takes',
  415: 'Body of a Content-Type the route does not take',
  429: 'Too many attempts from this address; retry in a minute',
  500: 'Internal error: a generic message and the request id (the cause is logged)',
  502: 'The upstream service failed',
  503: 'Temporarily unavailable; retry',
} as const;

export type ErrorStatus = keyof typeof ERROR_DESCRIPTIONS;

/** An error answer with the `{"error"}` body, as the document lists it. */
export const errorResponse = (status: ErrorStatus, description?: string) => ({
  status,
  description: description ?? ERROR_DESCRIPTIONS[status],
  type: ErrorJson,
});

/**
 * The error answers of an operation: statuses, or `[status, description]` where the common
 * description would not say what the route means by it.
 */
export const ApiErrors = (...errors: (ErrorStatus | [ErrorStatus, string])[]) =>
  applyDecorators(
    ...errors.map((error) =>
      ApiResponse(Array.isArray(error) ? errorResponse(...error) : errorResponse(error)),
    ),
  );

/**
 * The answer of a route that uses the database while the database cannot be reached (or, on
 * SQLite, another process holds it past the wait): 503 with Retry-After. On a controller it
 * covers all its routes.
 */
export const ApiDatabaseUnavailable = () =>
  ApiResponse({
    status: 503,
    description: 'The database is unavailable or busy; retry (`Retry-After` says when, in seconds)',
    type: ErrorJson,
    headers: {
      'Retry-After': {
        description: 'Seconds to wait before retrying',
        schema: { type: 'integer' },
      },
    },
  });

/**
 * The document's side of `@Public()`: the operation needs no login token (`security: []`).
 * Merged into the operation's metadata, as `@ApiOperation` merges its own, so the two combine
 * in any order.
 */
export const ApiNoLoginToken = (): MethodDecorator => (_target, _key, descriptor) => {
  const handler = descriptor.value as object;
  const operation = (Reflect.getMetadata(DECORATORS.API_OPERATION, handler) ?? {}) as object;
  Reflect.defineMetadata(DECORATORS.API_OPERATION, { ...operation, security: [] }, handler);
};
