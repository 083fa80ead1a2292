import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { lock } from 'proper-lockfile';
import type { BackupConfig } from '../config/configuration';
import type { DatabaseTarget } from '../config/database-url';
import { BackupCopy, BackupError, copySqlite, dumpPostgres } from '../database/backup';
import { backupFileName, pruneBackups, removePartials } from './backup-files';

export interface BackupReport extends BackupCopy {
  durationMs: number;
  /** Old backups deleted to keep BACKUP_KEEP. */
  removed: string[];
}

/** Another process (the server's schedule or `npm run backup`) is taking a backup. */
export class BackupBusyError extends BackupError {}

/**
 * One backup into the backup folder, then retention. One at a time across the processes that
 * share the folder: a lock file there (stale after 30 s, so a killed process does not block it).
 */
export async function takeBackup(
  target: DatabaseTarget,
  settings: BackupConfig,
  now: Date = new Date(),
): Promise<BackupReport> {
  if (target.engine === 'sqlite' && target.path === ':memory:') {
    throw new BackupError('an in-memory database cannot be backed up');
  }
  await mkdir(settings.dir, { recursive: true });
  let release: () => Promise<void>;
  try {
    release = await lock(settings.dir, {
      lockfilePath: join(settings.dir, '.backup.lock'),
      realpath: false,
      stale: 30_000,
      // A lock lost to a stalled process must not throw in a timer and end the server.
      onCompromised: () => undefined,
    });
  } catch (error) {
    if ((error as { code?: string }).code === 'ELOCKED') {
      throw new BackupBusyError(`another backup into ${settings.dir} is running; try again later`);
    }
    throw error;
  }
  try {
    await removePartials(settings.dir);
    const file = join(settings.dir, backupFileName(target.engine, now));
    const started = performance.now();
    const copy =
      target.engine === 'sqlite'
        ? await copySqlite(target.path, file)
        : await dumpPostgres(target.url, file, {
            lockTimeoutMs: settings.lockTimeoutMs,
            timeoutMs: settings.timeoutMs,
          });
    const durationMs = Math.round(performance.now() - started);
    return { ...copy, durationMs, removed: await pruneBackups(settings.dir, settings.keep) };
  } finally {
    await release().catch(() => undefined);
  }
}
