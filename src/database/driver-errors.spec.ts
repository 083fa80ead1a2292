import { QueryFailedError } from 'typeorm';
import {
  databaseErrorCode,
  isDatabaseUnavailable,
  isForeignKeyViolation,
  isLockHeldElsewhere,
  isRetryableConflict,
} from './driver-errors';

/** How TypeORM reports a failed statement: the driver's error as `driverError`. */
const failed = (code: string, message = code) =>
  new QueryFailedError('SQL', [], Object.assign(new Error(message), { code }));
const socket = (code: string) =>
  Object.assign(new Error(`connect ${code} 127.0.0.1:5432`), { code });

describe('driver errors', () => {
  it('reads the code of a TypeORM failure or of a bare driver error', () => {
    expect(databaseErrorCode(failed('23505'))).toBe('23505');
    expect(databaseErrorCode(socket('ECONNREFUSED'))).toBe('ECONNREFUSED');
    expect(databaseErrorCode(new Error('no code'))).toBeUndefined();
    expect(databaseErrorCode(null)).toBeUndefined();
  });

  it.each([
    ['23505', true, false],
    ['40001', true, false],
    ['40P01', true, false],
    ['SQLITE_CONSTRAINT_UNIQUE', true, false],
    ['SQLITE_BUSY', true, true],
    ['SQLITE_BUSY_SNAPSHOT', true, true],
    ['23503', false, false],
    ['22001', false, false],
  ])('%s: retryable %s, a lock held elsewhere %s', (code, retryable, locked) => {
    expect(isRetryableConflict(failed(code))).toBe(retryable);
    expect(isLockHeldElsewhere(failed(code))).toBe(locked);
  });

  it.each(['23503', 'SQLITE_CONSTRAINT_FOREIGNKEY'])(
    '%s is a foreign key pointing nowhere',
    (code) => {
      expect(isForeignKeyViolation(failed(code))).toBe(true);
      expect(isDatabaseUnavailable(failed(code))).toBe(false);
    },
  );

  it.each([
    ['refused', socket('ECONNREFUSED')],
    ['reset', socket('ECONNRESET')],
    ['admin shutdown', failed('57P01', 'terminating connection due to administrator command')],
    ['starting up', failed('57P03', 'the database system is starting up')],
    ['a connection exception (class 08)', failed('08006')],
    ['statement timeout', failed('57014', 'canceling statement due to statement timeout')],
    ['too many connections', failed('53300')],
    ['the pool gave up', new Error('timeout exceeded when trying to connect')],
    ['a dropped connection', new Error('Connection terminated unexpectedly')],
    ['the query timeout', new Error('Query read timeout')],
    ['SQLite I/O', failed('SQLITE_IOERR_WRITE')],
    ['SQLite disk full', failed('SQLITE_FULL')],
    ['SQLite read-only', failed('SQLITE_READONLY')],
    ["another process's SQLite lock, escaped the write path", failed('SQLITE_BUSY')],
    ['a locked SQLite table', failed('SQLITE_LOCKED')],
    [
      'a cause chained by node-postgres',
      new Error('Connection terminated due to connection timeout', { cause: socket('ETIMEDOUT') }),
    ],
  ])('the database is unavailable: %s', (_name, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it.each([
    ['a syntax error', failed('42601')],
    ['a unique violation', failed('23505')],
    ['SQLite constraint', failed('SQLITE_CONSTRAINT_NOTNULL')],
    ['an app error', new Error('boom')],
    ['nothing', undefined],
  ])('the database is available: %s', (_name, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
  });
});
