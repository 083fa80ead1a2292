/**
 * What the database drivers' errors mean to the app, per engine, in one place: a conflict that a
 * fresh attempt can get past, a foreign key that points nowhere, or a database that cannot be
 * reached right now (503, retry later).
 */

/** The driver's error code of a failed query (TypeORM wraps it as `driverError`), if any. */
export function databaseErrorCode(error: unknown): string | undefined {
  const driverError = (error as { driverError?: { code?: unknown } } | null)?.driverError;
  const code = driverError?.code ?? (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * Conflicts a fresh attempt can get past: PostgreSQL unique violation, serialization failure and
 * deadlock; SQLite unique violation, and another connection holding the write lock.
 */
const RETRYABLE = new Set([
  '23505',
  '40001',
  '40P01',
  'SQLITE_CONSTRAINT_UNIQUE',
  'SQLITE_BUSY',
  'SQLITE_BUSY_SNAPSHOT',
  'SQLITE_LOCKED',
]);

/** Retryable conflicts that are a lock held elsewhere: when retries run out, the database is unavailable. */
const LOCKED = new Set(['SQLITE_BUSY', 'SQLITE_BUSY_SNAPSHOT', 'SQLITE_LOCKED']);

const FOREIGN_KEY = new Set(['23503', 'SQLITE_CONSTRAINT_FOREIGNKEY']);

/** Socket-level failures of a connection to PostgreSQL. */
const NETWORK = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * PostgreSQL: the server going down or refusing connections (57P01 admin shutdown, 57P02 crash
 * shutdown, 57P03 cannot connect now), a statement cancelled by statement_timeout (57014), too
 * many connections (53300). Class 08 (connection exceptions) is matched by prefix.
 */
const POSTGRES_UNAVAILABLE = new Set(['57P01', '57P02', '57P03', '57014', '53300']);

/** SQLite: the file cannot be read or written (I/O, full disk, read-only, gone). */
const SQLITE_UNAVAILABLE = /^SQLITE_(IOERR|FULL|READONLY|CANTOPEN|PROTOCOL|NOLFS)/;

/** node-postgres and its pool say these without a code. */
const POSTGRES_CONNECTION_MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Query read timeout',
  'Client has encountered a connection error and is not queryable',
  'Client was closed and is not queryable',
];

export function isRetryableConflict(error: unknown): boolean {
  const code = databaseErrorCode(error);
  return code !== undefined && RETRYABLE.has(code);
}

/** A retryable conflict that means another process holds the database (not a row conflict). */
export function isLockHeldElsewhere(error: unknown): boolean {
  const code = databaseErrorCode(error);
  return code !== undefined && LOCKED.has(code);
}

export function isForeignKeyViolation(error: unknown): boolean {
  const code = databaseErrorCode(error);
  return code !== undefined && FOREIGN_KEY.has(code);
}

/**
 * The database cannot be reached or used right now; a later attempt may work. Another process's
 * SQLite lock counts too: the write path waits for it, but one that escapes is no server fault.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let cause = error, depth = 0; cause && depth < 5; depth++) {
    const code = databaseErrorCode(cause);
    if (code !== undefined) {
      if (NETWORK.has(code) || POSTGRES_UNAVAILABLE.has(code) || code.startsWith('08')) {
        return true;
      }
      if (SQLITE_UNAVAILABLE.test(code) || LOCKED.has(code)) return true;
    }
    const message = (cause as { message?: unknown }).message;
    if (
      typeof message === 'string' &&
      POSTGRES_CONNECTION_MESSAGES.some((known) => message.startsWith(known))
    ) {
      return true;
    }
    // TypeORM keeps the driver's error as driverError; node-postgres chains with `cause`.
    cause =
      (cause as { driverError?: unknown }).driverError ?? (cause as { cause?: unknown }).cause;
  }
  return false;
}
