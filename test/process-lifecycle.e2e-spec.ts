import { execFile } from 'node:child_process';
import { Agent, get as httpGet } from 'node:http';
import { constants } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { MIGRATIONS } from '../migrations';
import { parseDatabaseUrl } from '../src/config/database-url';
import { buildDataSourceOptions } from '../src/database/data-source.options';
import { userToken } from './support/users';
import { childEnv, ServerProcess, startServerProcess } from './support/server-process';
import { holdSqliteWriteLock } from './support/sqlite-lock';
import { createTestDatabase, ENGINES, TestDatabase } from './support/test-database';

const ROOT = join(__dirname, '..');
const SECRET_KEY = 'lifecycle-secret';
const open = (url: string) =>
  new DataSource(buildDataSourceOptions(parseDatabaseUrl(url))).initialize();

describe.each(ENGINES)('process lifecycle on %s', (engine) => {
  let db: TestDatabase;
  beforeEach(async () => {
    db = await createTestDatabase(engine);
  });
  /** Servers the signal tests start and end themselves: stopped here if a test failed first. */
  const signalled: ServerProcess[] = [];
  afterEach(async () => {
    await Promise.all(signalled.splice(0).map((server) => server.stop()));
    await db.drop();
  });

  /** Inserts `count` workouts (ids 1..count on the fresh database) and returns a user's token. */
  async function workoutsAndToken(count: number, title: string): Promise<string> {
    const ds = await open(db.url);
    try {
      await ds.query(
        `INSERT INTO workouts (title, workout_type, originally_planned_day, is_custom) VALUES ${Array.from(
          { length: count },
          () => `('${title}', 'Run', '2026-01-05', ${engine === 'postgres' ? 'false' : 0})`,
        ).join(', ')}`,
      );
      return await userToken(ds, SECRET_KEY);
    } finally {
      await ds.destroy();
    }
  }

  /**
   * Holds what a selection write of `workoutId` needs for `ms`: on SQLite the file's write lock
   * (a second process), on PostgreSQL the selection row (another session). The write then waits
   * without blocking the event loop. Resolves once the lock is held (in an object: a promise
   * returned as such would be awaited too); `released` resolves once it is let go.
   */
  async function holdLock(workoutId: number, ms: number): Promise<{ released: Promise<unknown> }> {
    if (engine === 'sqlite') return holdSqliteWriteLock(db.path as string, ms);
    const session = new Client({ connectionString: db.url });
    await session.connect();
    await session.query('BEGIN');
    await session.query('SELECT 1 FROM workout_selections WHERE workout_id = $1 FOR UPDATE', [
      workoutId,
    ]);
    const released = sleep(ms).then(async () => {
      await session.query('COMMIT');
      await session.end();
    });
    return { released };
  }

  it('SIGTERM under load: what was sent before the signal is answered, nothing is reset, exit 0', async () => {
    const server = await startServerProcess({
      DATABASE_URL: db.url,
      SECRET_KEY,
      LOG_LEVEL: 'info',
    });
    signalled.push(server);
    const token = await workoutsAndToken(50, 'load');
    const put = (workoutId: number, body: object) =>
      fetch(`${server.url}/api/selections/${workoutId}`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const SLOW = 50; // the workout whose write waits for a lock across the signal
    expect((await put(SLOW, { userNotes: 'before' })).status).toBe(200);

    // A keep-alive connection opened before the signal, idle at the signal.
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const health = () =>
      new Promise<{ status: number; connection?: string; body: string }>((resolve, reject) => {
        const req = httpGet(`${server.url}/api/health`, { agent }, (res) => {
          let body = '';
          res.on('data', (chunk: Buffer) => (body += chunk.toString()));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, connection: res.headers.connection, body }),
          );
        });
        req.on('error', reject);
      });
    expect((await health()).status).toBe(200);

    // Eight writers in a closed loop on keep-alive connections, each request stamped.
    type Outcome = { sentAt: number; status?: number; error?: string };
    const outcomes: Outcome[] = [];
    let signalAt = Infinity;
    const writer = async (k: number) => {
      for (let n = 0; ; n++) {
        const outcome: Outcome = { sentAt: performance.now() };
        outcomes.push(outcome);
        try {
          const res = await put(1 + ((k * 7 + n) % 49), { userNotes: `writer ${k} #${n}` });
          outcome.status = res.status;
          await res.arrayBuffer();
        } catch (error) {
          outcome.error = String((error as { cause?: unknown }).cause ?? error);
          // Refused after the signal: the server is gone, as it should be.
          if (performance.now() > signalAt) return;
        }
      }
    };
    const writers = Array.from({ length: 8 }, (_, k) => writer(k));
    await sleep(200);

    const { released } = await holdLock(SLOW, 1500);
    const slow = put(SLOW, { userNotes: 'in flight across the signal' });
    await sleep(300);
    signalAt = performance.now();
    process.kill(server.pid, 'SIGTERM');
    await sleep(200);
    const draining = await health();
    const exit = await server.exited;
    await released;
    await Promise.all(writers);
    agent.destroy();

    expect(exit).toEqual({ code: 0, signal: null });
    expect(draining).toMatchObject({ status: 503, connection: 'close' });
    expect(JSON.parse(draining.body)).toMatchObject({
      status: 'unhealthy',
      error: 'Shutting down',
    });
    expect((await slow).status).toBe(200);
    const beforeSignal = outcomes.filter((o) => o.sentAt < signalAt);
    expect(beforeSignal.length).toBeGreaterThan(8);
    expect(beforeSignal.filter((o) => o.status !== 200)).toEqual([]);
    expect(server.output()).toContain('Shut down cleanly');

    const check = await open(db.url);
    try {
      const [row] = await check.query<{ user_notes: string }[]>(
        `SELECT user_notes FROM workout_selections WHERE workout_id = ${SLOW}`,
      );
      expect(row.user_notes).toBe('in flight across the signal');
    } finally {
      await check.destroy();
    }
  }, 120_000);

  it.each([
    ['SIGTERM', 'SIGINT'],
    ['SIGINT', 'SIGTERM'],
    ['SIGTERM', 'SIGTERM'],
  ] as const)(
    '%s, then %s while a request is in flight: the second signal ends the process at once',
    async (first, second) => {
      const server = await startServerProcess({
        DATABASE_URL: db.url,
        SECRET_KEY,
        LOG_LEVEL: 'info',
        // The first signal's shutdown would wait this long for the request in flight.
        SHUTDOWN_GRACE_MS: '60000',
      });
      signalled.push(server);
      const token = await workoutsAndToken(1, 'signals');
      const put = (userNotes: string) =>
        fetch(`${server.url}/api/selections/1`, {
          method: 'PUT',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ userNotes }),
        });
      expect((await put('before')).status).toBe(200);

      const { released } = await holdLock(1, 5000);
      const inFlight = put('in flight').then(
        (res) => res.status,
        () => 'no answer',
      );
      await sleep(300);
      process.kill(server.pid, first);
      for (let i = 0; !server.output().includes(`${first} received: shutting down`); i++) {
        expect(i).toBeLessThan(500);
        await sleep(10);
      }
      process.kill(server.pid, second);
      const exit = await server.exited;
      const answer = await inFlight;
      await released;

      expect(exit).toEqual({ code: 128 + constants.signals[second], signal: null });
      expect(answer).toBe('no answer');
      expect(server.output()).toContain(
        `${second} received while shutting down after ${first}: exiting now`,
      );
      expect(server.output()).not.toContain('Shut down cleanly');
    },
    120_000,
  );

  it('SIGKILL under load loses no acknowledged write and leaves the database intact', async () => {
    const server = await startServerProcess({ DATABASE_URL: db.url, SECRET_KEY });
    signalled.push(server);
    const token = await workoutsAndToken(8, 'killed');
    // Writer k writes workout k's notes n = 0, 1, 2…; what was answered 200 must be stored.
    const acknowledged = new Map<number, number>();
    const writers = Array.from({ length: 8 }, async (_, k) => {
      for (let n = 0; ; n++) {
        try {
          const res = await fetch(`${server.url}/api/selections/${k + 1}`, {
            method: 'PUT',
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
            body: JSON.stringify({ userNotes: `n=${n}` }),
          });
          await res.arrayBuffer();
          if (res.status === 200) acknowledged.set(k + 1, n);
        } catch {
          return; // the process is gone
        }
      }
    });
    await sleep(500);
    process.kill(server.pid, 'SIGKILL');
    expect(await server.exited).toEqual({ code: null, signal: 'SIGKILL' });
    await Promise.all(writers);

    const check = await open(db.url);
    try {
      if (engine === 'sqlite') {
        expect(await check.query('PRAGMA integrity_check')).toEqual([{ integrity_check: 'ok' }]);
      }
      const rows = await check.query<{ workout_id: number; user_notes: string }[]>(
        'SELECT workout_id, user_notes FROM workout_selections',
      );
      const stored = new Map(
        rows.map((r) => [Number(r.workout_id), Number(r.user_notes.slice(2))]),
      );
      expect(acknowledged.size).toBe(8);
      for (const [workoutId, n] of acknowledged) {
        expect([workoutId, (stored.get(workoutId) ?? -1) >= n]).toEqual([workoutId, true]);
      }
    } finally {
      await check.destroy();
    }
  }, 120_000);

  it('three processes started at the same moment on one new database all come up', async () => {
    const servers: ServerProcess[] = [];
    try {
      const started = await Promise.allSettled(
        [1, 2, 3].map(() => startServerProcess({ DATABASE_URL: db.url, SECRET_KEY })),
      );
      for (const result of started) if (result.status === 'fulfilled') servers.push(result.value);
      expect(started.map((result) => result.status)).toEqual([
        'fulfilled',
        'fulfilled',
        'fulfilled',
      ]);
      for (const server of servers) {
        expect((await fetch(`${server.url}/api/health`)).status).toBe(200);
      }
      const ds = await open(db.url);
      try {
        const applied = await ds.query<{ name: string }[]>(
          'SELECT name FROM migrations ORDER BY id',
        );
        expect(applied.map((row) => row.name)).toEqual(MIGRATIONS.map((m) => m.name));
      } finally {
        await ds.destroy();
      }
    } finally {
      await Promise.all(servers.map((server) => server.stop()));
    }
  }, 120_000);

  it('npm run migration:run beside a booting app, and the tools without SECRET_KEY in production', async () => {
    const production = childEnv({ NODE_ENV: 'production', DATABASE_URL: db.url });
    const run = (args: string[]) =>
      promisify(execFile)(process.execPath, args, { cwd: ROOT, env: production }).then(
        ({ stdout }) => ({ code: 0, stdout }),
        (error: { code: number; stdout: string; stderr: string }) => ({
          code: error.code,
          stdout: `${error.stdout}${error.stderr}`,
        }),
      );
    const cli = join(ROOT, 'node_modules', 'typeorm', 'cli-ts-node-commonjs.js');
    const [migrate, app] = await Promise.all([
      run([cli, 'migration:run', '-d', 'ormconfig.ts']),
      startServerProcess({ DATABASE_URL: db.url, SECRET_KEY }).then(
        (server) => server,
        (error: Error) => error,
      ),
    ]);
    try {
      expect(migrate).toMatchObject({ code: 0 });
      expect(app).not.toBeInstanceOf(Error);
      const dedupe = await run([
        '-r',
        'ts-node/register/transpile-only',
        join('scripts', 'dedupe-workout-selections.ts'),
        '--check',
      ]);
      expect(dedupe).toMatchObject({ code: 0 });
      const revert = await run([cli, 'migration:revert', '-d', 'ormconfig.ts']);
      expect(revert).toMatchObject({ code: 0 });
      const show = await run([cli, 'migration:show', '-d', 'ormconfig.ts']);
      expect(show.stdout).toMatch(/\[ \] CalendarFeedTokens1795800000003/);
    } finally {
      if (!(app instanceof Error)) await app.stop();
    }
  }, 120_000);
});
