import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { confirm, EXIT, ExitCode, InteractiveIo } from './terminal';
import { DatabaseTarget, describeTarget, sessionUrl } from '../config/database-url';
import { checkSqliteFile, holdSqliteAlone, replaceSqliteFile } from '../backup/sqlite-backup';
import { sqliteFileHolders } from '../database/sqlite-in-use';
import { readBackupTarget } from './backup.command';
import { utcStamp } from '../backup/backup-folder';
import { BackupError } from '../backup/backup-errors';
import {
  checkPostgresDump,
  PgToolLimits,
  restorePostgres,
  tablesInDatabase,
  tablesInDump,
} from '../backup/postgres-backup';

export const RESTORE_USAGE = `Usage: npm run restore -- <backup file> [--yes]

Replaces the database named by DATABASE_URL with a backup (from npm run backup):
  SQLite      refused while a server has the file open; the backup's integrity is checked
              first; the current file is kept as <file>.before-restore-<UTC time> (-2, -3... when
              that name is taken), then replaced in one rename
  PostgreSQL  pg_restore --clean --if-exists --single-transaction into DATABASE_URL, stopped
              (and rolled back) after BACKUP_TIMEOUT_MS
Asks first unless --yes. A backup older than the code is brought up to date by the migrations at
the next start. Exit codes: 0 done, 1 refused or failed (nothing replaced), 2 bad usage.`;

export interface RestoreIo extends InteractiveIo {
  now(): Date;
  /** Where a relative backup path starts (where npm was run). */
  workingDirectory: string;
}

/** `npm run restore -- <file> [--yes]`; returns the exit code. Nothing is replaced on refusal. */
export async function restoreCommand(
  argv: string[],
  env: Record<string, string | undefined>,
  io: RestoreIo,
): Promise<ExitCode> {
  let parsed: { values: { yes?: boolean; help?: boolean }; positionals: string[] };
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { yes: { type: 'boolean' }, help: { type: 'boolean' } },
    });
  } catch (error) {
    io.err(`restore: ${(error as Error).message}\n${RESTORE_USAGE}`);
    return EXIT.usage;
  }
  if (parsed.values.help) {
    io.out(RESTORE_USAGE);
    return EXIT.ok;
  }
  if (parsed.positionals.length !== 1) {
    io.err(`restore: name one backup file\n${RESTORE_USAGE}`);
    return EXIT.usage;
  }
  const read = readBackupTarget(env);
  if ('error' in read) {
    io.err(`restore: ${read.error}`);
    return EXIT.usage;
  }
  const backup = resolve(io.workingDirectory, parsed.positionals[0]);
  if (!existsSync(backup)) {
    io.err(`restore: no file at ${backup}`);
    return EXIT.failed;
  }
  const yes = parsed.values.yes ?? false;
  try {
    return read.target.engine === 'sqlite'
      ? await restoreSqlite(read.target.path, backup, yes, io)
      : await restoreIntoPostgres(read.target, read.settings, backup, yes, io);
  } catch (error) {
    if (!(error instanceof BackupError)) throw error;
    io.err(`restore refused: ${error.message}`);
    return EXIT.failed;
  }
}

const ask = (target: DatabaseTarget, yes: boolean, backup: string) => ({
  command: 'restore',
  yes,
  question: `Replace ${describeTarget(target)} with ${backup}?`,
  rerun: 'Re-run with --yes.',
});

async function restoreSqlite(
  path: string,
  backup: string,
  yes: boolean,
  io: RestoreIo,
): Promise<ExitCode> {
  const check = checkSqliteFile(backup);
  const counts = Object.entries(check.tables).map(([table, n]) => `${table} ${n}`);
  io.out(`Backup checked: ${backup} (integrity ok; ${counts.join(', ')})`);
  const exists = existsSync(path);
  // Refuse before asking when a server has the file: asking would be pointless.
  await refuseWhileServed(path);
  if (!(await confirm(io, ask({ engine: 'sqlite', path }, yes, backup)))) return EXIT.failed;

  await refuseWhileServed(path);
  const held = exists ? holdSqliteAlone(path) : null;
  let kept: string | null;
  try {
    kept = await replaceSqliteFile(
      path,
      backup,
      exists ? `${path}.before-restore-${utcStamp(io.now())}` : null,
    );
  } finally {
    held?.release();
  }
  if (kept) io.out(`The database as it was: ${kept}`);
  io.out(`Restored ${path}. Start the server: it applies newer migrations, if any.`);
  return EXIT.ok;
}

async function refuseWhileServed(path: string): Promise<void> {
  const holders = await sqliteFileHolders(path);
  if (holders.length > 0) {
    throw new BackupError(
      `${path} is in use by a running server (${holders.join(', ')}). Stop it first; ` +
        'nothing was replaced.',
    );
  }
}

async function restoreIntoPostgres(
  target: DatabaseTarget & { engine: 'postgres' },
  limits: PgToolLimits,
  backup: string,
  yes: boolean,
  io: RestoreIo,
): Promise<ExitCode> {
  const dumped = new Set(tablesInDump(await checkPostgresDump(backup, limits)));
  io.out(`Backup checked: ${backup} (pg_restore --list reads it)`);
  // --clean drops only what the dump holds: a table made by a later migration would stay, and
  // the restored migrations table would have the next start create it again, and fail.
  const newer = (await tablesInDatabase(sessionUrl(target))).filter((table) => !dumped.has(table));
  if (newer.length > 0) {
    throw new BackupError(
      `the database has tables the backup does not (${newer.join(', ')}): it is newer than the ` +
        'backup, and pg_restore would leave them. Restore into a new, empty database instead ' +
        '(createdb, then DATABASE_URL=<its URL> npm run restore -- <file>) and point the app at ' +
        'it; nothing was replaced.',
    );
  }
  if (!(await confirm(io, ask(target, yes, backup)))) return EXIT.failed;
  await restorePostgres(sessionUrl(target), backup, limits);
  io.out(
    `Restored ${describeTarget(target)}. Start the server: it applies newer migrations, if any.`,
  );
  return EXIT.ok;
}
