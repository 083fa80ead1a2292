/** Failures the rules of the app know about; the exception filter maps each code to a status. */
export type DomainErrorCode =
  | 'NOT_FOUND'
  | 'BAD_INPUT'
  | 'UNAUTHORIZED'
  | 'TOO_MANY_REQUESTS'
  | 'FORBIDDEN'
  | 'BUSY'
  | 'UNAVAILABLE'
  | 'UPSTREAM_UNAVAILABLE'
  | 'BAD_GATEWAY'
  | 'MISCONFIGURED';

export interface DomainErrorDetails {
  /** For 429 and 503: when the client may try again (the Retry-After header). */
  retryAfterSeconds?: number;
  /** What went wrong underneath: for the log, never for the client. */
  cause?: unknown;
}

export class DomainError extends Error {
  readonly retryAfterSeconds?: number;

  constructor(
    readonly code: DomainErrorCode,
    message: string,
    { retryAfterSeconds, cause }: DomainErrorDetails = {},
  ) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'DomainError';
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

export const notFound = (what: string) => new DomainError('NOT_FOUND', `${what} not found`);

export const DATABASE_UNAVAILABLE = 'The database is unavailable, please retry';

/** The database cannot be reached, or is held by another process past the wait. */
export const databaseUnavailable = (cause?: unknown) =>
  new DomainError('UNAVAILABLE', DATABASE_UNAVAILABLE, { cause });

/**
 * Whether an error means the database cannot be used right now. The database layer provides
 * the check under this token; the HTTP edge asks it without importing that layer.
 */
export const DATABASE_UNAVAILABLE_CHECK = Symbol('DATABASE_UNAVAILABLE_CHECK');
export type DatabaseUnavailableCheck = (error: unknown) => boolean;
