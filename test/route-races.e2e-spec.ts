import { setTimeout as sleep } from 'node:timers/promises';
import request, { Response } from 'supertest';
import { DataSource } from 'typeorm';
import { parseDatabaseUrl } from '../src/config/database-url';
import { SelectionsRepository } from '../src/plan/selections.repository';
import { buildDataSourceOptions } from '../src/database/data-source.options';
import { userToken } from './support/users';
import { seedWorkouts, selectionRows, shuffle } from './support/seed';
import { ServerProcess, startServerProcess } from './support/server-process';
import { startTestApp, TestApp } from './support/test-app';
import { createTestDatabase, ENGINES, TestDatabase } from './support/test-database';

const csvOf = (rows: number, prefix: string) =>
  'Title,WorkoutType,WorkoutDay\n' +
  Array.from(
    { length: rows },
    (_, i) => `${prefix} ${i},Run,2026-03-${String(1 + (i % 28)).padStart(2, '0')}`,
  ).join('\n');

describe.each(ENGINES)('races between routes on %s', (engine) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(engine);
  });
  afterAll(() => t.close());

  const count = async (titlePrefix: string) =>
    Number(
      (
        await t.sql<{ n: unknown }>('SELECT COUNT(*) AS n FROM workouts WHERE title LIKE ?', [
          `${titlePrefix} %`,
        ])
      )[0].n,
    );

  it('three imports of the same file at once insert each (title, day) once', async () => {
    const csv = csvOf(200, 'same file');
    const responses = await Promise.all(
      [1, 2, 3].map(() =>
        t.http.post('/api/workouts/import').set('Content-Type', 'text/csv').send(csv),
      ),
    );
    expect(responses.map((res) => res.status)).toEqual([201, 201, 201]);
    expect(responses.map((res) => res.body.imported as number).sort()).toEqual([0, 0, 200]);
    expect(await count('same file')).toBe(200);
  });

  it('deleting workouts while their selections are written: 200 or 404, never a 500', async () => {
    const ids = await seedWorkouts(t, 200);
    const calls = shuffle(
      ids.flatMap((id, i) => [
        () => t.http.delete(`/api/workouts/${id}`),
        () => t.http.put(`/api/selections/${id}`).send({ timeOfDay: 'morning' }),
        () => t.http.put(`/api/selections/${id}`).send({ userNotes: `note ${i}` }),
        () => t.http.put(`/api/workouts/${id}`).send({ workoutLocation: 'indoor' }),
      ]),
    );
    const statuses = (await Promise.all(calls.map((call) => call()))).map((res) => res.status);
    expect(statuses.filter((status) => status !== 200 && status !== 404)).toEqual([]);
    // Each workout was deleted, and no selection row outlived it.
    expect(
      await t.sql(`SELECT id FROM workouts WHERE id IN (${ids.map(() => '?').join(', ')})`, ids),
    ).toEqual([]);
    expect(await selectionRows(t, ids)).toEqual([]);
  });
});

const postgresOnly = ENGINES.includes('postgres') ? describe : describe.skip;

/**
 * The lock order on PostgreSQL, made to happen rather than hoped for: the real workout route
 * stops, holding its workout's row, just before it writes the selection, and a selection
 * request for the same workout comes in then. A lock that made the selection's foreign-key
 * check wait after its insert would deadlock with the route's own upsert (40P01, a second each).
 */
postgresOnly('a selection written while its workout is changed, on postgres', () => {
  let t: TestApp;
  let logMark = 0;
  beforeAll(async () => {
    t = await startTestApp('postgres', { LOG_LEVEL: 'warn' });
  });
  beforeEach(() => {
    logMark = t.logs().length;
  });
  afterEach(() => jest.restoreAllMocks());
  afterAll(() => t.close());

  /** The next call of the repository's method waits, once it is reached, until released. */
  function pauseNext(method: 'upsertForWorkout' | 'deleteForWorkout') {
    const repository = t.app.get(SelectionsRepository, { strict: false });
    const original = repository[method].bind(repository) as (...args: unknown[]) => unknown;
    let reached!: () => void;
    let release!: () => void;
    const wasReached = new Promise<void>((resolve) => (reached = resolve));
    const released = new Promise<void>((resolve) => (release = resolve));
    jest.spyOn(repository, method).mockImplementationOnce((async (...args: unknown[]) => {
      reached();
      await released;
      return original(...args);
    }) as never);
    return { wasReached, release };
  }

  /**
   * Once the paused route holds its workout, sends the selection and lets the route go on when
   * the selection has its answer or waits for a row lock.
   */
  async function selectionWhilePaused(
    pause: ReturnType<typeof pauseNext>,
    id: number,
    body: object,
  ): Promise<Response> {
    await pause.wasReached;
    const selection = t.http
      .put(`/api/selections/${id}`)
      .send(body)
      .then((res) => res);
    let answered = false;
    void selection.finally(() => (answered = true));
    for (let waited = 0; !answered; waited += 20) {
      const [{ n }] = await t.sql<{ n: unknown }>(
        `SELECT COUNT(*) AS n FROM pg_stat_activity
          WHERE datname = current_database() AND wait_event_type = 'Lock'`,
      );
      if (Number(n) > 0) break;
      if (waited > 10_000) throw new Error('the selection request neither answered nor waited');
      await sleep(20);
    }
    pause.release();
    return selection;
  }

  const deadlocksLogged = () =>
    t
      .logs()
      .slice(logMark)
      .filter((line) => line.code === '40P01').length;

  it('during a workout update: both land, with no deadlock', async () => {
    const [id] = await seedWorkouts(t, 1);
    const pause = pauseNext('upsertForWorkout');
    const update = t.http
      .put(`/api/workouts/${id}`)
      .send({ title: 'renamed', workoutLocation: 'indoor' })
      .then((res) => res);
    const selection = await selectionWhilePaused(pause, id, { userNotes: 'from the planner' });

    expect([(await update).status, selection.status]).toEqual([200, 200]);
    expect(await selectionRows(t, [id])).toEqual([
      expect.objectContaining({ workoutLocation: 'indoor', userNotes: 'from the planner' }),
    ]);
    expect(await t.sql('SELECT title FROM workouts WHERE id = ?', [id])).toEqual([
      { title: 'renamed' },
    ]);
    expect(deadlocksLogged()).toBe(0);
  });

  it('during a workout delete: 404, and no selection row is left', async () => {
    const [id] = await seedWorkouts(t, 1);
    const pause = pauseNext('deleteForWorkout');
    const deletion = t.http.delete(`/api/workouts/${id}`).then((res) => res);
    const selection = await selectionWhilePaused(pause, id, { timeOfDay: 'evening' });

    expect((await deletion).status).toBe(200);
    expect([selection.status, selection.body]).toEqual([404, { error: 'Workout not found' }]);
    expect(await t.sql('SELECT id FROM workouts WHERE id = ?', [id])).toEqual([]);
    expect(await selectionRows(t, [id])).toEqual([]);
    expect(deadlocksLogged()).toBe(0);
  });
});

describe.each(ENGINES)('imports through two server processes on %s', (engine) => {
  let db: TestDatabase;
  let servers: ServerProcess[] = [];
  let dataSource: DataSource;
  const SECRET_KEY = 'race-secret';

  beforeAll(async () => {
    db = await createTestDatabase(engine);
    servers = await Promise.all(
      [1, 2].map(() => startServerProcess({ DATABASE_URL: db.url, SECRET_KEY })),
    );
    dataSource = await new DataSource(
      buildDataSourceOptions(parseDatabaseUrl(db.url)),
    ).initialize();
  }, 120_000);
  afterAll(async () => {
    await dataSource?.destroy();
    await Promise.all(servers.map((server) => server.stop()));
    await db?.drop();
  });

  it('the same file imported at once through both processes lands once', async () => {
    const auth = `Bearer ${await userToken(dataSource, SECRET_KEY)}`;
    const csv = csvOf(200, 'two processes');
    const responses = await Promise.all(
      [0, 1, 0, 1].map((i) =>
        request(servers[i].url)
          .post('/api/workouts/import')
          .set('Authorization', auth)
          .set('Content-Type', 'text/csv')
          .send(csv),
      ),
    );
    expect(responses.map((res) => res.status)).toEqual([201, 201, 201, 201]);
    expect(responses.map((res) => res.body.imported as number).sort()).toEqual([0, 0, 0, 200]);
    const [{ n }] = await dataSource.query<{ n: unknown }[]>(
      "SELECT COUNT(*) AS n FROM workouts WHERE title LIKE 'two processes %'",
    );
    expect(Number(n)).toBe(200);
  });
});
