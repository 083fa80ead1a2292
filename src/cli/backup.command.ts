import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { CliIo, EXIT, ExitCode } from './terminal';
import { BackupConfig, ConfigError, readBackup, readDatabase } from '../config/configuration';
import { DatabaseTarget, describeTarget } from '../config/database-url';
import { takeBackup } from '../backup/take-backup';
import { BackupError } from '../backup/backup-errors';

export const BACKUP_USAGE = `Usage: npm run backup

Takes a consistent copy of the database named by DATABASE_URL while the server keeps running:
  SQLite      SQLite's online backup into BACKUP_DIR (default data/backups/) as
              workout-planner-<UTC yyyymmddThhmmss.sssZ>.sqlite, then integrity_check and row
              counts
  PostgreSQL  pg_dump --format=custom into BACKUP_DIR as workout-planner-<...>.dump, checked with
              pg_restore --list (pg_dump and pg_restore of your server's version on PATH), each
              stopped after BACKUP_TIMEOUT_MS; pg_dump waits BACKUP_LOCK_TIMEOUT_MS for a lock
Then keeps BACKUP_KEEP (default 7) backups: the new one and the newest others; files named for a
time in the future are left alone, with a warning. Exit codes: 0 done, 1 failed, 2 bad usage or
configuration.`;

/** The database and backup settings from the environment, or a usage error. */
export function readBackupTarget(
  env: Record<string, string | undefined>,
): { target: DatabaseTarget; settings: BackupConfig } | { error: string } {
  try {
    const target = readDatabase(env);
    return { target, settings: readBackup(env, target) };
  } catch (error) {
    if (error instanceof ConfigError) return { error: error.message };
    throw error;
  }
}

/** `npm run backup`; returns the exit code. */
export async function backupCommand(
  argv: string[],
  env: Record<string, string | undefined>,
  io: CliIo,
): Promise<ExitCode> {
  let help: boolean | undefined;
  try {
    ({ help } = parseArgs({ args: argv, options: { help: { type: 'boolean' } } }).values);
  } catch (error) {
    io.err(`backup: ${(error as Error).message}\n${BACKUP_USAGE}`);
    return EXIT.usage;
  }
  if (help) {
    io.out(BACKUP_USAGE);
    return EXIT.ok;
  }
  const read = readBackupTarget(env);
  if ('error' in read) {
    io.err(`backup: ${read.error}`);
    return EXIT.usage;
  }
  const { target, settings } = read;
  if (target.engine === 'sqlite' && !existsSync(target.path)) {
    io.err(`backup: no database file at ${target.path} (check DATABASE_URL)`);
    return EXIT.failed;
  }
  try {
    const report = await takeBackup(target, settings);
    io.out(`Backup of ${describeTarget(target)}`);
    io.out(`written: ${report.file} (${report.bytes} bytes, ${report.durationMs} ms)`);
    if (report.check) {
      io.out(`integrity_check: ${report.check.integrity.join('; ')}`);
      const counts = Object.entries(report.check.tables).map(([t, n]) => `${t} ${n}`);
      io.out(`rows: ${counts.join(', ')}`);
    } else {
      io.out('checked: pg_restore --list reads it, with the workout_selections data');
    }
    for (const file of report.removed) io.out(`removed old backup: ${file}`);
    for (const { file, takenAt } of report.ignored) {
      io.err(
        `backup: warning: ignored ${file}: named for ${takenAt.toISOString()}, in the future ` +
          'by this clock; retention neither counts nor removes it',
      );
    }
    return EXIT.ok;
  } catch (error) {
    if (!(error instanceof BackupError)) throw error;
    io.err(`backup failed: ${error.message}`);
    return EXIT.failed;
  }
}
