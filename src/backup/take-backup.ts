import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { lock } from 'proper-lockfile';
import type { BackupConfig } from '../config/configuration';
import { DatabaseTarget, sessionUrl } from '../config/database-url';
import { copySqlite } from './sqlite-backup';
import {
  BackupFile,
  backupFileName,
  listBackups,
  pruneBackups,
  removePartials,
} from './backup-folder';
import { BackupCopy } from './backup-copy';
import { BackupBusyError, BackupError } from './backup-errors';
import { dumpPostgres } from './postgres-backup';

export interface BackupReport extends BackupCopy {
  durationMs: number;
  /** Old backups deleted to keep BACKUP_KEEP. */
  removed: string[];
  /** Backups named for a time in the future, left alone and counted nowhere. */
  ignored: BackupFile[];
}

export interface BackupOptions {
  /** The time the backup is named for; the clock's by default. */
  now?: Date;
  /** Stops the backup when aborted (the server shutting down); its partial file is removed. */
  signal?: AbortSignal;
}

/**
 * One backup into the backup folder, then retention. One at a time across the processes that
 * share the folder: a lock file there (stale after 30 s, so a killed process does not block it).
 */
export async function takeBackup(
  target: DatabaseTarget,
  settings: BackupConfig,
  options: BackupOptions = {},
): Promise<BackupReport> {
  return underFolderLock(target, settings, () => backUpAndPrune(target, settings, options));
}

/**
 * The schedule's backup: taken only when the folder's newest backup is at least `intervalMs`
 * old, checked once the lock is held, so that servers sharing the folder take one between them.
 */
export async function takeBackupIfDue(
  target: DatabaseTarget,
  settings: BackupConfig,
  intervalMs: number,
  options: BackupOptions = {},
): Promise<{ written: BackupReport } | { notDue: BackupFile }> {
  return underFolderLock(target, settings, async () => {
    const newest = (await listBackups(settings.dir)).backups[0];
    if (newest && Date.now() - newest.takenAt.getTime() < intervalMs) return { notDue: newest };
    return { written: await backUpAndPrune(target, settings, options) };
  });
}

async function underFolderLock<T>(
  target: DatabaseTarget,
  settings: BackupConfig,
  work: () => Promise<T>,
): Promise<T> {
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
    return await work();
  } finally {
    await release().catch(() => undefined);
  }
}

/** The backup under a name no other file has, then retention; the lock is held. */
async function backUpAndPrune(
  target: DatabaseTarget,
  settings: BackupConfig,
  { now = new Date(), signal }: BackupOptions,
): Promise<BackupReport> {
  let file = join(settings.dir, backupFileName(target.engine, now));
  for (let sequence = 2; existsSync(file); sequence++) {
    file = join(settings.dir, backupFileName(target.engine, now, sequence));
  }
  const started = performance.now();
  const copy =
    target.engine === 'sqlite'
      ? await copySqlite(target.path, file, signal)
      : await dumpPostgres(sessionUrl(target), file, {
          lockTimeoutMs: settings.lockTimeoutMs,
          timeoutMs: settings.timeoutMs,
          signal,
        });
  const durationMs = Math.round(performance.now() - started);
  let pruned: { removed: string[]; ignored: BackupFile[] };
  try {
    pruned = await pruneBackups(settings.dir, settings.keep, file);
  } catch (error) {
    throw new BackupError(
      `${file} was written, but old backups could not be removed: ${(error as Error).message}`,
    );
  }
  // What the command promises: the backup it names is there.
  if (!existsSync(file)) throw new BackupError(`${file} was written, then went missing`);
  return { ...copy, durationMs, ...pruned };
}
