import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rm, rmdir } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { check, lock } from 'proper-lockfile';

/**
 * Which servers have a SQLite file open. SQLite cannot tell another process an idle connection
 * from none, and several servers may share one file: so each holds a lock of its own in
 * `<file>.in-use/`, refreshed every few seconds. A killed server's lock goes stale on its own.
 */
const STALE_MS = 10_000;
const folderOf = (path: string) => `${path}.in-use`;
const options = (folder: string, holder: string) => ({
  lockfilePath: join(folder, `${holder}.lock`),
  realpath: false,
  stale: STALE_MS,
});

/** Marks the file as held by this process; the returned function lets go. */
export async function holdSqliteFile(path: string): Promise<() => Promise<void>> {
  const folder = folderOf(path);
  await mkdir(folder, { recursive: true });
  // Marks of killed servers, stale: removed one by one after a check (another server may be
  // making its own right now).
  for (const name of await readdir(folder)) {
    const holder = name.endsWith('.lock') ? name.slice(0, -'.lock'.length) : null;
    if (holder && !(await check(join(folder, holder), options(folder, holder)))) {
      await rm(join(folder, name), { recursive: true, force: true });
    }
  }
  const holder = `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  const release = await lock(join(folder, holder), {
    ...options(folder, holder),
    // Losing the mark (a stalled event loop) must not end the server from a timer.
    onCompromised: () => undefined,
  });
  return async () => {
    await release().catch(() => undefined);
    await rmdir(folder).catch(() => undefined); // only once the last holder has gone
  };
}

/** The processes (`<host>-<pid>-…`) that hold the file now. */
export async function sqliteFileHolders(path: string): Promise<string[]> {
  const folder = folderOf(path);
  let names: string[];
  try {
    names = await readdir(folder);
  } catch {
    return [];
  }
  const holders: string[] = [];
  for (const name of names.filter((entry) => entry.endsWith('.lock'))) {
    const holder = name.slice(0, -'.lock'.length);
    if (await check(join(folder, holder), options(folder, holder))) holders.push(holder);
  }
  return holders;
}
