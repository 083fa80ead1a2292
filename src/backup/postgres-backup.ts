import { execFile, ExecFileException } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { BACKUP_TOOL_DEFAULTS } from '../config/configuration';
import { BackupError, MissingToolError } from './backup-errors';
import { BackupCopy, publish, throwIfStopped } from './backup-copy';

/** PostgreSQL: pg_dump and pg_restore, bounded, and the checks of a dump. */

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
