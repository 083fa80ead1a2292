import { Client } from 'pg';
import { parsePrometheus, valueOf } from './support/prometheus';
import { seedWorkouts, selectionRows } from './support/seed';
import { holdSqliteWriteLock } from './support/sqlite-lock';
import { TcpProxy } from './support/tcp-proxy';
import { startTestApp, TestApp } from './support/test-app';
import { createTestDatabase, ENGINES, TestDatabase } from './support/test-database';

const UNAVAILABLE = { error: 'The database is unavailable, please retry' };
const METRICS_TOKEN = 'faults-metrics-token';

/** One metric of the app, scraped over HTTP. */
async function metric(t: TestApp, name: string, labels: Record<string, string> = {}) {
  const res = await fetch(`${t.url}/api/metrics`, {
    headers: { authorization: `Bearer ${METRICS_TOKEN}` },
  });
  if (res.status !== 200) throw new Error(`GET /api/metrics answered ${res.status}`);
  return valueOf(parsePrometheus(await res.text()), name, labels);
}

/** How a request ended: its status, or the network error. */
interface Outcome {
  status: number;
  requestId: string | null;
  retryAfter: string | null;
  body: unknown;
}

async function put(t: TestApp, workoutId: number, body: object): Promise<Outcome> {
  const res = await fetch(`${t.url}/api/selections/${workoutId}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${t.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return {
    status: res.status,
    requestId: res.headers.get('x-request-id'),
    retryAfter: res.headers.get('retry-after'),
    body: await res.json(),
  };
}

/** `count` writers, each writing its own workout's notes n = 0, 1, 2… until told to stop. */
function closedLoopWriters(t: TestApp, workoutIds: number[]) {
  const outcomes: Outcome[] = [];
  /** Per workout, the highest n the app acknowledged with 200. */
  const acknowledged = new Map<number, number>();
  let running = true;
  const done = Promise.all(
    workoutIds.map(async (workoutId) => {
      for (let n = 0; running; n++) {
        const outcome = await put(t, workoutId, { userNotes: `n=${n}` });
        outcomes.push(outcome);
        if (outcome.status === 200) acknowledged.set(workoutId, n);
      }
    }),
  );
  return {
    outcomes,
    acknowledged,
    stop: async () => {
      running = false;
      await done;
    },
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(
  condition: () => boolean | Promise<boolean>,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(50);
  }
}

const postgresOnly = ENGINES.includes('postgres') ? describe : describe.skip;

postgresOnly('PostgreSQL unreachable: a TCP proxy between the app and the real server', () => {
  let db: TestDatabase;
  let proxy: TcpProxy;
  let t: TestApp;
  let admin: Client;

  beforeAll(async () => {
    db = await createTestDatabase('postgres');
    const target = new URL(process.env.TEST_POSTGRES_URL as string);
    proxy = await new TcpProxy(target.hostname, Number(target.port || 5432)).start();
    t = await startTestApp(
      'postgres',
      {
        DATABASE_URL: proxy.urlFor(db.url),
        DATABASE_CONNECT_TIMEOUT_MS: '1000',
        DATABASE_STATEMENT_TIMEOUT_MS: '2000',
        DATABASE_QUERY_TIMEOUT_MS: '3000',
        LOG_LEVEL: 'warn',
        METRICS_TOKEN,
      },
      db,
    );
    admin = new Client({ connectionString: db.url });
    await admin.connect();
  });
  afterAll(async () => {
    await admin?.end();
    await t?.close();
    await proxy?.stop();
    await db?.drop();
  });

  /** The notes as stored, read straight from PostgreSQL (not through the proxy). */
  async function storedNotes(workoutIds: number[]): Promise<Map<number, number>> {
    const { rows } = await admin.query<{ workout_id: number; user_notes: string }>(
      'SELECT workout_id, user_notes FROM workout_selections WHERE workout_id = ANY($1)',
      [workoutIds],
    );
    return new Map(rows.map((row) => [row.workout_id, Number(row.user_notes.slice(2))]));
  }

  function expectNoAcknowledgedWriteLost(
    acknowledged: Map<number, number>,
    stored: Map<number, number>,
  ) {
    // A writer's later writes may have landed unacknowledged (the answer lost with the
    // connection), never an earlier value than the last one acknowledged.
    for (const [workoutId, n] of acknowledged) {
      expect([workoutId, (stored.get(workoutId) ?? -1) >= n]).toEqual([workoutId, true]);
    }
  }

  it('cut off, then back: only 200 or 503 with Retry-After, no acknowledged write lost, recovery without a restart', async () => {
    const ids = await seedWorkouts(t, 8);
    const unavailableBefore = await metric(t, 'db_unavailable_total');
    const busyBefore = await metric(t, 'selection_writes_total', { outcome: 'busy' });
    const load = closedLoopWriters(t, ids);
    await sleep(500);
    await proxy.cut();
    const cutAt = load.outcomes.length;
    await until(async () => (await fetch(`${t.url}/api/health`)).status === 503, 5000);
    await sleep(1500);
    await proxy.restore();
    const restoredAt = load.outcomes.length;
    await until(
      () => load.outcomes.slice(restoredAt).filter((o) => o.status === 200).length >= 20,
      15_000,
    );
    await load.stop();

    expect(new Set(load.outcomes.map((o) => o.status))).toEqual(new Set([200, 503]));
    const failed = load.outcomes.filter((o) => o.status === 503);
    expect(failed.length).toBeGreaterThan(0);
    for (const outcome of failed) {
      expect(outcome.body).toEqual(UNAVAILABLE);
      expect(outcome.retryAfter).toBe('1');
    }
    expect(load.outcomes.slice(0, cutAt).some((o) => o.status === 200)).toBe(true);
    expect((await fetch(`${t.url}/api/health`)).status).toBe(200);
    expectNoAcknowledgedWriteLost(load.acknowledged, await storedNotes(ids));
    // Every such answer is counted, as a database outage and as a busy selection write.
    expect((await metric(t, 'db_unavailable_total')) - unavailableBefore).toBe(failed.length);
    expect((await metric(t, 'selection_writes_total', { outcome: 'busy' })) - busyBefore).toBe(
      failed.length,
    );

    // One log line per failed request, with the driver's own cause (not a rollback's).
    const logs = t.logs();
    for (const outcome of failed.slice(0, 20)) {
      const lines = logs.filter((line) => line.reqId === outcome.requestId);
      expect(lines).toEqual([
        expect.objectContaining({ msg: 'request failed', res: { statusCode: 503 } }),
      ]);
      const cause = JSON.stringify(lines[0].err);
      expect(cause).not.toMatch(/QueryRunnerAlreadyReleased/);
      expect(cause).toMatch(/ECONNREFUSED|ECONNRESET|Connection terminated|timeout/);
    }
  });

  it("pg_terminate_backend on the app's connections: 200 or 503, then 200 again", async () => {
    const ids = await seedWorkouts(t, 8);
    const load = closedLoopWriters(t, ids);
    for (let round = 0; round < 5; round++) {
      await sleep(200);
      await admin.query(
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
        [db.name],
      );
    }
    const after = load.outcomes.length;
    await until(
      () => load.outcomes.slice(after).filter((o) => o.status === 200).length >= 20,
      15_000,
    );
    await load.stop();
    expect(load.outcomes.filter((o) => o.status !== 200 && o.status !== 503)).toEqual([]);
    const failed = load.outcomes.filter((o) => o.status === 503);
    for (const outcome of failed) expect(outcome.body).toEqual(UNAVAILABLE);
    expectNoAcknowledgedWriteLost(load.acknowledged, await storedNotes(ids));
    // The log says why: the server's own message, not TypeORM's "query runner already released".
    const causes = t
      .logs()
      .filter((line) => failed.some((o) => o.requestId === line.reqId))
      .map((line) => JSON.stringify(line.err));
    expect(causes).toHaveLength(failed.length);
    for (const cause of causes) expect(cause).not.toMatch(/already released/);
  });
});

const sqliteOnly = ENGINES.includes('sqlite') ? describe : describe.skip;

sqliteOnly('SQLite: another process holds the write lock', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('sqlite', { LOG_LEVEL: 'warn', METRICS_TOKEN });
  });
  afterAll(() => t.close());

  /** The statuses of health and a read, round after round while `more(round)` says so. */
  async function probe(workoutId: number, more: (round: number) => boolean): Promise<number[]> {
    const statuses: number[] = [];
    for (let round = 0; more(round); round++) {
      for (const path of ['/api/health', `/api/workouts/${workoutId}`]) {
        const res = await fetch(`${t.url}${path}`, {
          headers: { authorization: `Bearer ${t.token}` },
        });
        await res.arrayBuffer();
        statuses.push(res.status);
      }
      await sleep(20);
    }
    return statuses;
  }
  const rounds = (n: number) => (round: number) => round < n;

  it('writes wait for a short lock without freezing the process, then succeed', async () => {
    const ids = await seedWorkouts(t, 8);
    const holder = await holdSqliteWriteLock(t.db.path as string, 1500);
    let waiting = true;
    const writes = Promise.all(ids.map((id, i) => put(t, id, { userNotes: `waited ${i}` })));
    void writes.finally(() => (waiting = false));
    const probes = await probe(ids[0], () => waiting);
    const outcomes = await writes;
    await holder.released;

    expect(outcomes.map((o) => o.status)).toEqual(ids.map(() => 200));
    expect(probes).toEqual(probes.map(() => 200));
    // The event loop kept turning while the writes waited: a process frozen in the wait answers
    // the probe in flight and the next one at most, once the lock is gone.
    expect(probes.length).toBeGreaterThanOrEqual(10);
    expect((await selectionRows(t, ids)).map((row) => row.userNotes).sort()).toEqual(
      ids.map((_, i) => `waited ${i}`).sort(),
    );
  });

  it('a write that cannot get the lock within the bound is 503, its retries logged and counted', async () => {
    const [id] = await seedWorkouts(t, 1);
    const busyRetries = () =>
      metric(t, 'selection_conflict_retries_total', { code: 'SQLITE_BUSY' });
    const before = await busyRetries();
    const unavailableBefore = await metric(t, 'db_unavailable_total');
    const holder = await holdSqliteWriteLock(t.db.path as string, 6000);
    const outcome = await put(t, id, { userNotes: 'never' });
    const probes = await probe(id, rounds(10));
    await holder.released;

    expect(outcome).toMatchObject({ status: 503, body: UNAVAILABLE, retryAfter: '1' });
    expect(probes).toEqual(probes.map(() => 200));
    expect(await selectionRows(t, [id])).toEqual([]);
    const retries = t.logs().filter((line) => line.reqId === outcome.requestId);
    const retried = retries.filter((line) => String(line.msg).startsWith('Retrying'));
    expect(retried.length).toBeGreaterThan(3);
    expect(retried[0]).toMatchObject({ code: 'SQLITE_BUSY', workoutId: id });
    expect((await busyRetries()) - before).toBe(retried.length);
    expect((await metric(t, 'db_unavailable_total')) - unavailableBefore).toBe(1);
    expect(retries.at(-1)).toMatchObject({ msg: 'request failed', res: { statusCode: 503 } });
  });
});
