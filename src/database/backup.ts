import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Copies of the database, checked before they are trusted: used by `npm run dedupe -- --backup`.
 */

export type BackupResult = { file: string } | { refused: string };

/** UTC `YYYYMMDDhhmmss`, the suffix of backup files (the previous backend's format). */
export function backupStamp(date: Date): string {
  return date.toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

/** SQLite's online backup: a consistent copy even while the app has it open in WAL mode. */
export async function backupSqlite(path: string, now: Date): Promise<BackupResult> {
  const file = `${path}.bak-${backupStamp(now)}`;
  if (existsSync(file)) return { refused: `${file} already exists; not overwriting it` };
  const source = new Database(path, { readonly: true, fileMustExist: true });
  try {
    await source.backup(file);
    const copy = new Database(file, { readonly: true, fileMustExist: true });
    try {
      for (const table of ['workouts', 'workout_selections']) {
        const count = (sql: Database.Database) =>
          (sql.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
        if (count(copy) !== count(source)) {
          return { refused: `backup check failed: ${table} differs in ${file}` };
        }
      }
    } finally {
      copy.close();
    }
  } finally {
    source.close();
  }
  return { file };
}

export function backupPostgres(url: string, now: Date, directory: string): BackupResult {
  const parsed = new URL(url);
  const database = decodeURIComponent(parsed.pathname.slice(1)) || 'postgres';
  const file = join(directory, `${database}.bak-${backupStamp(now)}.dump`);
  if (existsSync(file)) return { refused: `${file} already exists; not overwriting it` };
  // The password goes through the environment, not the command line other users can read.
  const env = { ...process.env, PGPASSWORD: decodeURIComponent(parsed.password) };
  parsed.password = '';
  const dump = spawnSync('pg_dump', ['--format=custom', `--file=${file}`, parsed.toString()], {
    env,
    encoding: 'utf8',
  });
  if (dump.error && (dump.error as NodeJS.ErrnoException).code === 'ENOENT') {
    return {
      refused:
        'pg_dump is not on PATH, so --backup cannot back up PostgreSQL. Install the PostgreSQL ' +
        'client tools of your server version (e.g. apt-get install postgresql-client-15), or ' +
        'back up yourself (pg_dump --format=custom --file=backup.dump "$DATABASE_URL", or your ' +
        "provider's snapshot) and run again without --backup.",
    };
  }
  if (dump.status !== 0) {
    return { refused: `pg_dump failed (${dump.status}): ${dump.stderr.trim()}` };
  }
  const list = spawnSync('pg_restore', ['--list', file], { encoding: 'utf8' });
  if (list.status !== 0 || !/TABLE DATA \S+ workout_selections /.test(list.stdout)) {
    return { refused: `backup check failed: pg_restore --list ${file} does not show the data` };
  }
  return { file };
}
