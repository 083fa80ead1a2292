import Database from 'better-sqlite3';
import { constants } from 'node:fs';
import { copyFile, link, mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { BackupError } from './backup-errors';
import { BackupCopy, publish, SqliteCheck, throwIfStopped } from './backup-copy';

/** SQLite: copies checked before they are trusted, and the checked replacement of a database. */

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
