import request from 'supertest';
import { DataSource } from 'typeorm';
import { parseDatabaseUrl } from '../src/config/database-url';
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
