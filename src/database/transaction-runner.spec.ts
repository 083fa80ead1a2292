import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { DataSource, EntityManager, QueryFailedError } from 'typeorm';
import { DomainError } from '../shared/domain-error';
import { TransactionRunner } from './transaction-runner';

/** How TypeORM reports a failed statement: the driver's error as `driverError`. */
function driverFailure(code: string): QueryFailedError {
  return new QueryFailedError('INSERT ...', [], Object.assign(new Error(code), { code }));
}

/** A real second process that holds the file's write lock for `ms`. */
async function holdWriteLock(path: string, ms: number): Promise<{ released: Promise<unknown> }> {
  const script = `
    const db = new (require(${JSON.stringify(require.resolve('better-sqlite3'))}))(${JSON.stringify(path)});
    db.exec('BEGIN IMMEDIATE');
    process.stdout.write('locked\\n');
    setTimeout(() => { db.exec('COMMIT'); db.close(); }, ${ms});`;
  const holder = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const released = once(holder, 'exit');
  await once(holder.stdout, 'data');
  return { released };
}

describe('TransactionRunner on a real SQLite file', () => {
  /** What the runner logged as retries, kept instead of printed. */
  let retried: { what?: string; code?: string }[] = [];
  beforeAll(() => {
    Logger.overrideLogger({
      log: () => undefined,
      error: () => undefined,
      warn: (context: { what?: string; code?: string }) => void retried.push(context),
    });
  });
  afterAll(() => {
    Logger.overrideLogger(true);
  });
  let dir: string;
  let dataSource: DataSource;
  /** The codes the runner reported retrying, counted as the metrics count them. */
  let counted: Record<string, number>;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'runner-spec-'));
    dataSource = new DataSource({
      type: 'better-sqlite3',
      database: join(dir, 'runner.sqlite'),
      timeout: 20, // the server's busy timeout
    });
    await dataSource.initialize();
    await dataSource.query('PRAGMA journal_mode = WAL');
    await dataSource.query('CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL)');
    counted = {};
    retried = [];
  });
  afterEach(async () => {
    await dataSource.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  const runner = (maxWaitMs = 1000) => {
    const db = new TransactionRunner(dataSource, {
      retry: { maxWaitMs, baseDelayMs: 1, maxDelayMs: 4 },
    });
    db.onRetry((code) => (counted[code] = (counted[code] ?? 0) + 1));
    return db;
  };
  const insert = (manager: EntityManager, text: string) =>
    manager.query<unknown>('INSERT INTO notes (text) VALUES (?)', [text]);
  const notes = async () =>
    (await dataSource.query<{ text: string }[]>('SELECT text FROM notes ORDER BY id')).map(
      (row) => row.text,
    );

  it.each(['23505', '40001', '40P01', 'SQLITE_BUSY', 'SQLITE_CONSTRAINT_UNIQUE'])(
    'a write that meets %s is rolled back, retried once and counted, then commits',
    async (code) => {
      let attempts = 0;
      const result = await runner().write({ what: 'a note' }, async (manager) => {
        await insert(manager, `attempt ${++attempts}`);
        if (attempts === 1) throw driverFailure(code);
        return attempts;
      });
      expect(result).toBe(2);
      expect(await notes()).toEqual(['attempt 2']);
      expect(counted).toEqual({ [code]: 1 });
    },
  );

  it.each([
    ['40001', 'BUSY'],
    ['SQLITE_BUSY', 'UNAVAILABLE'],
  ])('gives up on %s with a 503-mapped %s error once its time is up', async (code, kind) => {
    let attempts = 0;
    const failure = runner(200).write({ what: 'a note' }, async (manager) => {
      await insert(manager, `attempt ${++attempts}`);
      throw driverFailure(code);
    });
    await expect(failure).rejects.toBeInstanceOf(DomainError);
    await expect(failure).rejects.toMatchObject({ code: kind });
    // Waits of 0.5 to 4 ms within 200 ms: retries, each counted, none written.
    expect(attempts).toBeGreaterThanOrEqual(2);
    expect(counted).toEqual({ [code]: attempts - 1 });
    expect(await notes()).toEqual([]);
  });

  it('does not retry other errors, and writes nothing of them', async () => {
    let attempts = 0;
    const failure = runner().write({}, async (manager) => {
      attempts++;
      await insert(manager, 'half');
      await manager.query('INSERT INTO notes (text) VALUES (NULL)');
    });
    await expect(failure).rejects.toBeInstanceOf(QueryFailedError);
    expect(attempts).toBe(1);
    expect(await notes()).toEqual([]);
    expect(counted).toEqual({});
  });

  it('a rehearsal shows what the work would do and leaves nothing behind', async () => {
    const seen = await runner().rehearse(async (manager) => {
      await insert(manager, 'tried');
      return manager.query<{ n: number }[]>('SELECT count(*) AS n FROM notes');
    });
    expect(seen).toEqual([{ n: 1 }]);
    expect(await notes()).toEqual([]);
  });

  it("writes wait in line behind another process's lock, and all commit once it is gone", async () => {
    const { released } = await holdWriteLock(join(dir, 'runner.sqlite'), 300);
    const db = runner(3000);
    const writes = Array.from({ length: 8 }, (_, i) =>
      db.write({ what: `note ${i}` }, (manager) => insert(manager, `note ${i}`)),
    );
    // Reads are not held up by the writers waiting for the lock.
    const read = await db.read((manager) => manager.query('SELECT count(*) AS n FROM notes'));
    expect(read).toEqual([{ n: 0 }]);
    await Promise.all(writes);
    await released;
    expect(await notes()).toEqual(Array.from({ length: 8 }, (_, i) => `note ${i}`));
    // Only the writer at the head of the line polls the lock; the others wait their turn.
    expect(retried.length).toBeGreaterThan(0);
    expect(retried.every(({ what, code }) => what === 'note 0' && code === 'SQLITE_BUSY')).toBe(
      true,
    );
    expect(counted.SQLITE_BUSY).toBe(retried.length);
  });

  it("writes queued past their time behind another process's lock are 503 without writing", async () => {
    const { released } = await holdWriteLock(join(dir, 'runner.sqlite'), 1500);
    const db = runner(200);
    const outcomes = await Promise.allSettled(
      Array.from({ length: 5 }, (_, i) => db.write({}, (manager) => insert(manager, `n${i}`))),
    );
    await released;
    for (const outcome of outcomes) {
      expect(outcome).toMatchObject({ status: 'rejected', reason: { code: 'UNAVAILABLE' } });
    }
    expect(await notes()).toEqual([]);
    // Once the lock is gone, the next write gets through at once.
    await db.write({}, (manager) => insert(manager, 'after'));
    expect(await notes()).toEqual(['after']);
  });

  it('a lock error that escapes a read is the 503 error, not a driver error', async () => {
    const failure = runner().read(() => Promise.reject(driverFailure('SQLITE_BUSY')));
    await expect(failure).rejects.toMatchObject({ code: 'UNAVAILABLE' });
  });
});
