import { readdirSync } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { DatabaseTarget } from '../config/database-url';

/** `workout-planner-<UTC yyyymmddThhmmssZ>.sqlite|.dump`: the only files retention touches. */
const NAME = /^workout-planner-(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z\.(sqlite|dump)$/;

export interface BackupFile {
  file: string;
  takenAt: Date;
}

/** UTC `yyyymmddThhmmssZ`. */
export function utcStamp(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
}

export function backupFileName(engine: DatabaseTarget['engine'], date: Date): string {
  return `workout-planner-${utcStamp(date)}.${engine === 'sqlite' ? 'sqlite' : 'dump'}`;
}

function backupsIn(dir: string, names: string[]): BackupFile[] {
  const found: BackupFile[] = [];
  for (const name of names) {
    const m = NAME.exec(name);
    if (!m) continue;
    const takenAt = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]));
    found.push({ file: join(dir, name), takenAt });
  }
  return found.sort((a, b) => b.takenAt.getTime() - a.takenAt.getTime());
}

const missingDirectory = (error: unknown) => (error as { code?: string }).code === 'ENOENT';

/** This tool's backups in `dir`, newest first; none when the folder does not exist yet. */
export async function listBackups(dir: string): Promise<BackupFile[]> {
  try {
    return backupsIn(dir, await readdir(dir));
  } catch (error) {
    if (missingDirectory(error)) return [];
    throw error;
  }
}

/** The newest backup's time, read when metrics are scraped: none when the folder is unreadable. */
export function newestBackupSync(dir: string): Date | null {
  try {
    return backupsIn(dir, readdirSync(dir))[0]?.takenAt ?? null;
  } catch {
    return null;
  }
}

/** Deletes the oldest of this tool's backups beyond `keep`; returns what it deleted. */
export async function pruneBackups(dir: string, keep: number): Promise<string[]> {
  const extra = (await listBackups(dir)).slice(keep).map((backup) => backup.file);
  for (const file of extra) await rm(file, { force: true });
  return extra;
}

/** Removes what a crashed backup left under its temporary name; only the lock holder calls it. */
export async function removePartials(dir: string): Promise<void> {
  for (const name of await readdir(dir)) {
    if (name.startsWith('workout-planner-') && name.endsWith('.partial')) {
      await rm(join(dir, name), { force: true });
    }
  }
}
