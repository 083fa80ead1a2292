import request from 'supertest';
import { DataSource } from 'typeorm';
import { parseDatabaseUrl } from '../src/config/database-url';
import { buildDataSourceOptions } from '../src/database/data-source.options';
import { userToken } from './support/users';
import { shuffle } from './support/seed';
import { readSelections } from './support/sql';
import { ServerProcess, startServerProcess } from './support/server-process';
import { createTestDatabase, ENGINES, TestDatabase } from './support/test-database';

const SLOTS = ['morning', 'afternoon', 'evening'];
const dayFor = (i: number) => new Date(Date.UTC(2026, 1, 1 + (i % 200))).toISOString().slice(0, 10);

describe.each(ENGINES)('two server processes on one %s database', (engine) => {
  let db: TestDatabase;
  let servers: ServerProcess[] = [];
  let dataSource: DataSource;
  let auth = { Authorization: '' };
  const SECRET_KEY = 'multi-process-secret';

  beforeAll(async () => {
    db = await createTestDatabase(engine);
    const env = { DATABASE_URL: db.url, SECRET_KEY };
    // The first one applies the migrations; the second then finds nothing pending.
    servers.push(await startServerProcess(env));
    servers.push(await startServerProcess(env));
    dataSource = await new DataSource(
      buildDataSourceOptions(parseDatabaseUrl(db.url)),
    ).initialize();
    auth = { Authorization: `Bearer ${await userToken(dataSource, SECRET_KEY)}` };
  }, 120_000);

  afterAll(async () => {
    await dataSource?.destroy();
    await Promise.all(servers.map((server) => server.stop()));
    servers = [];
    await db?.drop();
  });

  it('races partial updates of the same workouts: no duplicates, no lost fields, no 5xx', async () => {
    const count = 60;
    const created: number[] = [];
    for (let i = 0; i < count; i++) {
      const res = await request(servers[i % 2].url)
        .post('/api/workouts')
        .set(auth)
        .send({ title: `race ${i}`, originallyPlannedDay: '2026-02-01' })
        .expect(201);
      created.push(res.body.id as number);
    }
    const requests = shuffle(
      created.flatMap((workoutId, i) => [
        { server: 0, workoutId, body: { currentPlanDay: dayFor(i) } },
        { server: 1, workoutId, body: { timeOfDay: SLOTS[i % 3] } },
        { server: 0, workoutId, body: { workoutLocation: i % 2 ? 'indoor' : 'outdoor' } },
        { server: 1, workoutId, body: { userNotes: `note ${i}` } },
      ]),
    );
    const responses = await Promise.all(
      requests.map((r) =>
        request(servers[r.server].url).put(`/api/selections/${r.workoutId}`).set(auth).send(r.body),
      ),
    );
    expect(responses.map((res) => res.status).filter((status) => status !== 200)).toEqual([]);

    const rows = await readSelections(dataSource);
    expect(rows).toHaveLength(count);
    const byId = new Map(rows.map((row) => [Number(row.workout_id), row]));
    created.forEach((id, i) => {
      const row = byId.get(id);
      expect(row).toMatchObject({
        current_plan_day: dayFor(i),
        time_of_day: SLOTS[i % 3],
        workout_location: i % 2 ? 'indoor' : 'outdoor',
        user_notes: `note ${i}`,
      });
    });
  });
});
