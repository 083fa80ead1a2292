import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { childEnv } from './server-process';

/**
 * A real second process that takes the SQLite file's write lock (BEGIN IMMEDIATE), holds it for
 * `ms`, then commits. Resolves once the lock is held; `released` resolves when the process ends.
 */
export async function holdSqliteWriteLock(
  path: string,
  ms: number,
): Promise<{ released: Promise<unknown> }> {
  const script = `
    const Database = require(${JSON.stringify(require.resolve('better-sqlite3'))});
    const db = new Database(${JSON.stringify(path)});
    db.exec('BEGIN IMMEDIATE');
    process.stdout.write('locked\\n');
    setTimeout(() => { db.exec('COMMIT'); db.close(); }, ${ms});`;
  const holder = spawn(process.execPath, ['-e', script], {
    env: childEnv(),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const released = once(holder, 'exit');
  await once(holder.stdout as NodeJS.ReadableStream, 'data');
  return { released };
}
