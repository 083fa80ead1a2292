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

export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    /** For 429 and 503: when the client may try again (the Retry-After header). */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const notFound = (what: string) => new DomainError('NOT_FOUND', `${what} not found`);
