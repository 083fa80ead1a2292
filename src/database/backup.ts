import Database from 'better-sqlite3';
import { execFile, ExecFileException } from 'node:child_process';
import { constants, existsSync } from 'node:fs';
import { copyFile, link, mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { BACKUP_TOOL_DEFAULTS } from '../config/configuration';

/**
 * Copies of the database, checked before they are trusted. A copy is written under a temporary
 * name and renamed only once checked, so a file under its final name is always a whole backup.
 * Used by `npm run backup`, the server's scheduled backups, `npm run restore` (the checks) and
 * `npm run dedupe -- --backup`.
 */

/** A backup could not be made or is not trustworthy; the message says why, for an operator. */
export class BackupError extends Error {}

/** A PostgreSQL client tool (pg_dump, pg_restore) is not on PATH. */
export class MissingToolError extends BackupError {
  constructor(readonly tool: string) {
    super(
      `${tool} is not installed (not on PATH). Install the PostgreSQL client tools of your ` +
        `server's major version, e.g. apt-get install postgresql-client-15.`,
    );
  }
}

export interface SqliteCheck {
  /** `PRAGMA integrity_check`'s answer: ['ok'] for a sound file. */
  integrity: string[];
  /** Rows per table. */
  tables: Record<string, number>;
}

export interface BackupCopy {
  file: string;
  bytes: number;
  /** SQLite: the copy's integrity and row counts. */
  check?: SqliteCheck;
}

/** UTC `YYYYMMDDhhmmss`, the suffix of the dedupe script's backups (the previous backend's). */
export function backupStamp(date: Date): string {
  return date.toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

function openReadOnly(file: string): Database.Database {
  try {
    return new Database(file, { readonly: true, fileMustExist: true });
  } catch (error) {
    throw new BackupError(`${file} cannot be opened: ${(error as Error).message}`);
  }
}

/**
 * Opens a SQLite file read-only and checks it: integrity and row counts of every table. Throws
 * BackupError when the file is not a sound SQLite database or has no `workout_selections` table.
 */
export function checkSqliteFile(file: string): SqliteCheck {
  const db = openReadOnly(file);
  try {
    const integrity = (db.pragma('integrity_check') as { integrity_check: string }[]).map(
      (row) => row.integrity_check,
    );
    if (integrity.join() !== 'ok') {
      throw new BackupError(`${file} failed its integrity check: ${integrity.join('; ')}`);
    }
    const names = (
      db
        .prepare(
          "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
        )
        .all() as { name: string }[]
    ).map((row) => row.name);
    const tables: Record<string, number> = {};
    for (const name of names) {
      const row = db.prepare(`SELECT COUNT(*) AS n FROM "${name.replace(/"/g, '""')}"`).get();
      tables[name] = (row as { n: number }).n;
    }
    if (!('workout_selections' in tables)) {
      throw new BackupError(`${file} is not a workout planner database (no workout_selections)`);
    }
    return { integrity, tables };
  } catch (error) {
    if (error instanceof BackupError) throw error;
    // SQLITE_NOTADB, SQLITE_CORRUPT: a damaged or foreign file.
    throw new BackupError(`${file} is not a sound SQLite database: ${(error as Error).message}`);
  } finally {
    db.close();
  }
}

/**
 * Has `write` make the copy under `<file>.partial` (and check it), then renames it to `file`;
 * removes the partial file when anything fails. An existing `file` is never overwritten.
 */
async function publish<T>(file: string, write: (partial: string) => Promise<T>): Promise<T> {
  if (existsSync(file)) throw new BackupError(`${file} already exists; not overwriting it`);
  const partial = `${file}.partial`;
  try {
    const result = await write(partial);
    await rename(partial, file);
    return result;
  } finally {
    await rm(partial, { force: true });
  }
}

/**
 * SQLite's online backup API (better-sqlite3): a consistent copy while the app keeps writing.
 * All pages go in one step after the first: a write by another connection between steps would
 * restart the copy, and under steady writes a stepwise copy might never end.
 */
export async function copySqlite(
  source: string,
  file: string,
  signal?: AbortSignal,
): Promise<BackupCopy> {
  return publish(file, async (partial) => {
    const db = openReadOnly(source);
    try {
      await db.backup(partial, { progress: ({ totalPages }) => totalPages });
    } finally {
      db.close();
    }
    // The copy inherits WAL mode, and every reader of a WAL file leaves -wal and -shm beside it:
    // a backup is one self-contained file (the server turns WAL on again after a restore).
    const copy = new Database(partial, { fileMustExist: true });
    try {
      copy.pragma('journal_mode = DELETE');
    } finally {
      copy.close();
    }
    const check = checkSqliteFile(partial);
    throwIfStopped(signal);
    return { file, bytes: (await stat(partial)).size, check };
  });
}

/** A backup stopped meanwhile (a shutdown) is not kept: publish then removes the partial file. */
function throwIfStopped(signal?: AbortSignal): void {
  if (signal?.aborted) throw new BackupError(`stopped: ${String(signal.reason)}`);
}

const run = promisify(execFile);

/** Bounds on the PostgreSQL client tools, so that a backup or a restore cannot hang. */
export interface PgToolLimits {
  /** pg_dump's `--lock-wait-timeout`: the longest wait for a table lock (BACKUP_LOCK_TIMEOUT_MS). */
  lockTimeoutMs: number;
  /** The longest run of one tool (BACKUP_TIMEOUT_MS); then it is stopped. */
  timeoutMs: number;
  /** Stops the tool when aborted (a server shutting down). */
  signal?: AbortSignal;
}

const DEFAULT_LIMITS: PgToolLimits = {
  lockTimeoutMs: BACKUP_TOOL_DEFAULTS.lockTimeoutMs,
  timeoutMs: BACKUP_TOOL_DEFAULTS.timeoutMs,
};

/** A tool's stderr as one line; a table lock it waited for in vain, said plainly. */
function describeFailure(tool: string, stderr: string, limits: PgToolLimits): string {
  const locked = /Query was: LOCK TABLE (\S+) IN /.exec(stderr);
  if (locked && /canceling statement due to statement timeout/.test(stderr)) {
    return (
      `${tool} could not lock ${locked[1]} within ${limits.lockTimeoutMs} ms ` +
      '(BACKUP_LOCK_TIMEOUT_MS): another session holds it'
    );
  }
  const lines = stderr.split('\n').map((line) => line.trim());
  return `${tool} failed: ${lines.filter((line) => line !== '').join(' ')}`;
}

/**
 * Runs a PostgreSQL client tool; the URL's password goes through the environment. After
 * `limits.timeoutMs`, or when `limits.signal` is aborted, the tool gets SIGTERM: pg_dump and
 * pg_restore then cancel their query on the server and exit.
 */
async function pgTool(
  tool: string,
  args: string[],
  limits: PgToolLimits,
  url?: string,
): Promise<string> {
  const env = { ...process.env };
  if (url) {
    const parsed = new URL(url);
    if (parsed.password) env.PGPASSWORD = decodeURIComponent(parsed.password);
    parsed.password = '';
    args = [...args, parsed.toString()];
  }
  const { signal } = limits;
  if (signal?.aborted) throw new BackupError(`${tool} not started: ${String(signal.reason)}`);
  const running = run(tool, args, { env, maxBuffer: 64 * 1024 * 1024, timeout: limits.timeoutMs });
  const stop = () => running.child.kill('SIGTERM');
  signal?.addEventListener('abort', stop, { once: true });
  try {
    return (await running).stdout;
  } catch (error) {
    const failure = error as ExecFileException & { stderr?: string };
    if (failure.code === 'ENOENT') throw new MissingToolError(tool);
    if (signal?.aborted) throw new BackupError(`${tool} stopped: ${String(signal.reason)}`);
    if (failure.killed) {
      throw new BackupError(
        `${tool} did not finish within ${limits.timeoutMs} ms (BACKUP_TIMEOUT_MS): stopped it`,
      );
    }
    throw new BackupError(describeFailure(tool, failure.stderr || failure.message, limits));
  } finally {
    signal?.removeEventListener('abort', stop);
  }
}

/** `pg_restore --list`: the dump is readable and holds the selections' data. */
export async function checkPostgresDump(
  file: string,
  limits: PgToolLimits = DEFAULT_LIMITS,
): Promise<string> {
  const listing = await pgTool('pg_restore', ['--list', file], limits);
  if (!/TABLE DATA \S+ workout_selections /.test(listing)) {
    throw new BackupError(`${file} is not a workout planner dump (no workout_selections data)`);
  }
  return listing;
}

/** `pg_dump --format=custom`, checked with `pg_restore --list`. */
export async function dumpPostgres(
  url: string,
  file: string,
  limits: PgToolLimits = DEFAULT_LIMITS,
): Promise<BackupCopy> {
  return publish(file, async (partial) => {
    const lockWait = `--lock-wait-timeout=${limits.lockTimeoutMs}`;
    await pgTool('pg_dump', ['--format=custom', lockWait, `--file=${partial}`], limits, url);
    await checkPostgresDump(partial, limits);
    throwIfStopped(limits.signal);
    return { file, bytes: (await stat(partial)).size };
  });
}

/** The tables a `pg_restore --list` listing creates, as `schema.table`. */
export function tablesInDump(listing: string): string[] {
  return [...listing.matchAll(/^\d+; \d+ \d+ TABLE (\S+) (\S+) /gm)].map(
    ([, schema, table]) => `${schema}.${table}`,
  );
}

/** The tables of a PostgreSQL database, as `schema.table` (system schemas left out). */
export async function tablesInDatabase(url: string): Promise<string[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string }>(
      `SELECT schemaname || '.' || tablename AS name FROM pg_tables
        WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1`,
    );
    return rows.map((row) => row.name);
  } finally {
    await client.end();
  }
}

/**
 * `pg_restore --clean --if-exists --single-transaction`: all of the dump or nothing (stopped
 * after `limits.timeoutMs`, its transaction rolls back). pg_restore has no lock timeout, and
 * the dump's own `SET lock_timeout = 0` would override one given through PGOPTIONS.
 */
export async function restorePostgres(
  url: string,
  file: string,
  limits: PgToolLimits = DEFAULT_LIMITS,
): Promise<void> {
  await pgTool(
    'pg_restore',
    ['--clean', '--if-exists', '--single-transaction', '--no-owner', '--exit-on-error', file, '-d'],
    limits,
    url,
  );
}

/**
 * Holds a SQLite file for the caller alone, or says who has it. Leaving WAL mode needs every
 * other connection closed (SQLite answers SQLITE_BUSY otherwise), across processes and
 * containers, and a crashed server holds nothing: so it is the test of "a server has it open".
 * The exclusive lock then keeps a starting server out until `release`.
 */
export function holdSqliteAlone(path: string): { release(): void } {
  const db = new Database(path, { fileMustExist: true, timeout: 0 });
  try {
    db.pragma('journal_mode = DELETE');
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE');
  } catch (error) {
    db.close();
    if ((error as { code?: string }).code === 'SQLITE_BUSY') {
      throw new BackupError(
        `${path} is in use by a running server (or another tool). Stop it first; nothing was replaced.`,
      );
    }
    throw error;
  }
  return {
    release: () => {
      db.exec('ROLLBACK');
      db.close();
    },
  };
}

/**
 * Replaces a SQLite file with a checked backup, atomically: the backup is copied beside the
 * database, flushed, then renamed over it, so a crash leaves the old file or the new one. The
 * current file stays as `keepAs`, or `keepAs-2`, `-3`… when that name is taken (a hard link, or
 * a copy where links are not supported; never over an existing file). Returns the name kept.
 */
export async function replaceSqliteFile(
  path: string,
  backup: string,
  keepAs: string | null,
): Promise<string | null> {
  const incoming = `${path}.restoring`;
  await mkdir(dirname(path), { recursive: true });
  await copyFile(backup, incoming);
  await flush(incoming);
  try {
    const kept = keepAs ? await keepExclusively(path, keepAs) : null;
    // The backup was taken in WAL mode: a WAL left by the old file must not be replayed on it.
    for (const leftover of [`${path}-wal`, `${path}-shm`]) await rm(leftover, { force: true });
    await rename(incoming, path);
    await flush(dirname(path));
    return kept;
  } finally {
    await rm(incoming, { force: true });
  }
}

const exists = (error: unknown) => (error as { code?: string }).code === 'EEXIST';

/** `path` kept under `name`, or the first free `name-<n>`; both ways fail on an existing file. */
async function keepExclusively(path: string, name: string): Promise<string> {
  for (let sequence = 1; ; sequence++) {
    const target = sequence === 1 ? name : `${name}-${sequence}`;
    try {
      await link(path, target).catch((error: unknown) => {
        if (exists(error)) throw error;
        return copyFile(path, target, constants.COPYFILE_EXCL);
      });
      return target;
    } catch (error) {
      if (!exists(error)) throw error;
    }
  }
}

async function flush(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
