import { readdirSync } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { DatabaseTarget } from '../config/database-url';

/**
 * `workout-planner-<UTC yyyymmddThhmmss.sssZ>[-<n>].sqlite|.dump`, and the names of earlier
 * versions without milliseconds: the only files retention touches. `-<n>` (2, 3, …) tells apart
 * two backups named for the same millisecond.
 */
const NAME =
  /^workout-planner-(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(?:\.(\d{3}))?Z(?:-(\d+))?\.(sqlite|dump)$/;

/**
 * How far ahead of this machine's clock a backup's name may be and still count: the skew
 * between the clocks of machines that share the folder. A name further ahead was given by a
 * wrong clock; trusted, it would stop the schedule until that time and hide it from the alert.
 */
export const CLOCK_SKEW_MS = 60_000;

export interface BackupFile {
  file: string;
  takenAt: Date;
  /** The `-<n>` of the name; 1 without one. */
  sequence: number;
}

export interface BackupFolder {
  /** This tool's backups, newest first; none named for a time in the future. */
  backups: BackupFile[];
  /** Backups named for a time later than the clock (beyond CLOCK_SKEW_MS): counted nowhere. */
  future: BackupFile[];
}

/**
 * UTC `yyyymmddThhmmss.sssZ`: the time in every name this tool gives a file (backups, the
 * `.before-restore-` copy of a restore, the dedupe tool's `.bak-` copy).
 */
export function utcStamp(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '');
}

/** The name of a backup taken at `date`; `sequence` 2, 3, … when that name is taken. */
export function backupFileName(engine: DatabaseTarget['engine'], date: Date, sequence = 1): string {
  const stamp = utcStamp(date);
  const suffix = sequence > 1 ? `-${sequence}` : '';
  return `workout-planner-${stamp}${suffix}.${engine === 'sqlite' ? 'sqlite' : 'dump'}`;
}

function parse(dir: string, name: string): BackupFile | null {
  const m = NAME.exec(name);
  if (!m) return null;
  const [year, month, day, hours, minutes, seconds, ms = '0', sequence = '1'] = m.slice(1);
  const takenAt = new Date(Date.UTC(+year, +month - 1, +day, +hours, +minutes, +seconds, +ms));
  return { file: join(dir, name), takenAt, sequence: +sequence };
}

function sortIn(dir: string, names: string[], now: number): BackupFolder {
  const all = names.flatMap((name) => parse(dir, name) ?? []);
  all.sort((a, b) => b.takenAt.getTime() - a.takenAt.getTime() || b.sequence - a.sequence);
  const isFuture = (backup: BackupFile) => backup.takenAt.getTime() > now + CLOCK_SKEW_MS;
  return {
    backups: all.filter((backup) => !isFuture(backup)),
    future: all.filter(isFuture),
  };
}

const missingDirectory = (error: unknown) => (error as { code?: string }).code === 'ENOENT';

/** This tool's backups in `dir`; none when the folder does not exist yet. */
export async function listBackups(dir: string, now = Date.now()): Promise<BackupFolder> {
  try {
    return sortIn(dir, await readdir(dir), now);
  } catch (error) {
    if (missingDirectory(error)) return { backups: [], future: [] };
    throw error;
  }
}

/** The newest backup's time, read when metrics are scraped: none when the folder is unreadable. */
export function newestBackupSync(dir: string): Date | null {
  try {
    return sortIn(dir, readdirSync(dir), Date.now()).backups[0]?.takenAt ?? null;
  } catch {
    return null;
  }
}

/**
 * Deletes the oldest of this tool's backups so that `written` and the `keep - 1` newest others
 * remain. `written` is never deleted, nor a file named for the future (returned as `ignored`).
 */
export async function pruneBackups(
  dir: string,
  keep: number,
  written: string,
): Promise<{ removed: string[]; ignored: BackupFile[] }> {
  const { backups, future } = await listBackups(dir);
  const others = backups.filter((backup) => backup.file !== written);
  const removed = others.slice(Math.max(0, keep - 1)).map((backup) => backup.file);
  for (const file of removed) await rm(file, { force: true });
  return { removed, ignored: future };
}

/** Removes what a crashed backup left under its temporary name; only the lock holder calls it. */
export async function removePartials(dir: string): Promise<void> {
  for (const name of await readdir(dir)) {
    if (name.startsWith('workout-planner-') && name.endsWith('.partial')) {
      await rm(join(dir, name), { force: true });
    }
  }
}
