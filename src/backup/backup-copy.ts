import { existsSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { BackupError } from './backup-errors';

/**
 * Copies of the database, checked before they are trusted. A copy is written under a temporary
 * name and renamed only once checked, so a file under its final name is always a whole backup.
 * Used by `npm run backup`, the server's scheduled backups, `npm run restore` (the checks) and
 * `npm run dedupe -- --backup`.
 */

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

/**
 * Has `write` make the copy under `<file>.partial` (and check it), then renames it to `file`;
 * removes the partial file when anything fails. An existing `file` is never overwritten.
 */
export async function publish<T>(file: string, write: (partial: string) => Promise<T>): Promise<T> {
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

/** A backup stopped meanwhile (a shutdown) is not kept: publish then removes the partial file. */
export function throwIfStopped(signal?: AbortSignal): void {
  if (signal?.aborted) throw new BackupError(`stopped: ${String(signal.reason)}`);
}
