import { SelectionsRepository } from '../src/plan/selections.repository';
import { seedWorkouts, selectionRows, shuffle } from './support/seed';
import { startTestApp, TestApp } from './support/test-app';
import { PgBouncer, pgbouncerSkipped } from './support/pgbouncer';
import { createTestDatabase, ENGINES } from './support/test-database';

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const SLOTS = ['morning', 'afternoon', 'evening'];

/** A distinct plan day per index, so every workout gets its own expected value. */
const dayFor = (i: number) => new Date(Date.UTC(2026, 0, 1 + (i % 300))).toISOString().slice(0, 10);

interface Sent {
  workoutId: number;
  body: Record<string, unknown>;
}

/** Where the app runs: each engine, and PostgreSQL behind a transaction-mode PgBouncer. */
const SETUPS: [string, () => Promise<{ t: TestApp; stop(): Promise<void> }>][] = ENGINES.map(
  (engine) => [
    engine,
    async () => {
      const t = await startTestApp(engine);
      return { t, stop: () => t.close() };
    },
  ],
);
if (!pgbouncerSkipped()) {
  SETUPS.push([
    'postgres through PgBouncer (transaction mode)',
    async () => {
      const bouncer = await PgBouncer.start();
      const db = await createTestDatabase('postgres');
      const t = await startTestApp('postgres', { DATABASE_URL: bouncer.urlFor(db.url) }, db);
      return {
        t,
        stop: async () => {
          await t.close();
          await db.drop();
          await bouncer.stop();
        },
      };
    },
  ]);
}

describe.each(SETUPS)('selections on %s', (_setup, start) => {
  let t: TestApp;
  let stop: () => Promise<void>;

  beforeAll(async () => {
    ({ t, stop } = await start());
  });
  afterAll(() => stop?.());

  const put = (workoutId: number, body: unknown) =>
    t.http.put(`/api/selections/${workoutId}`).send(body as object);

  /** Fires every request at once and returns the statuses, in order. */
  async function fire(requests: Sent[]): Promise<number[]> {
    const responses = await Promise.all(requests.map((r) => put(r.workoutId, r.body)));
    return responses.map((res) => res.status);
  }

  /** Sends the requests at once, expects 200 for each, and reads one row per workout back. */
  async function fireAndRead(requests: Sent[], ids: number[]) {
    expect((await fire(requests)).filter((status) => status !== 200)).toEqual([]);
    const rows = await selectionRows(t, ids);
    expect(rows).toHaveLength(ids.length);
    return new Map(rows.map((row) => [row.workoutId, row]));
  }

  describe('rules', () => {
    it('creates the row on first write, with the contract shape', async () => {
      const [id] = await seedWorkouts(t, 1);
      const res = await put(id, { currentPlanDay: '2026-01-20' }).expect(200);
      expect(res.body).toEqual({
        id: expect.any(Number),
        workoutId: id,
        isSelected: true,
        currentPlanDay: '2026-01-20',
        timeOfDay: null,
        workoutLocation: null,
        userNotes: null,
        updatedAt: expect.stringMatching(ISO_UTC),
      });
    });

    it('sequential date-only then time-only gives one row with both', async () => {
      const [id] = await seedWorkouts(t, 1);
      await put(id, { currentPlanDay: '2026-01-20' }).expect(200);
      const res = await put(id, { timeOfDay: 'evening' }).expect(200);
      expect(res.body).toMatchObject({ currentPlanDay: '2026-01-20', timeOfDay: 'evening' });
      expect(await selectionRows(t, [id])).toEqual([
        expect.objectContaining({ currentPlanDay: '2026-01-20', timeOfDay: 'evening' }),
      ]);
    });

    it('isSelected false clears timeOfDay unless the same body sets it', async () => {
      const [a, b] = await seedWorkouts(t, 2);
      await put(a, { timeOfDay: 'morning', workoutLocation: 'indoor' }).expect(200);
      const cleared = await put(a, { isSelected: false }).expect(200);
      expect(cleared.body).toMatchObject({
        isSelected: false,
        timeOfDay: null,
        workoutLocation: 'indoor',
      });
      const both = await put(b, { isSelected: false, timeOfDay: 'evening' }).expect(200);
      expect(both.body).toMatchObject({ isSelected: false, timeOfDay: 'evening' });
      const back = await put(a, { isSelected: true }).expect(200);
      expect(back.body).toMatchObject({ isSelected: true, timeOfDay: null });
    });

    it('null clears currentPlanDay, workoutLocation and userNotes; an empty body ensures defaults', async () => {
      const [id, fresh] = await seedWorkouts(t, 2);
      await put(id, {
        currentPlanDay: '2026-02-02',
        workoutLocation: 'outdoor',
        userNotes: 'easy',
      }).expect(200);
      const res = await put(id, { currentPlanDay: null, workoutLocation: null, userNotes: null });
      expect(res.body).toMatchObject({
        currentPlanDay: null,
        workoutLocation: null,
        userNotes: null,
      });
      const empty = await put(fresh, {}).expect(200);
      expect(empty.body).toMatchObject({ workoutId: fresh, isSelected: true, timeOfDay: null });
      const emptyAgain = await put(fresh, {}).expect(200);
      expect(emptyAgain.body.id).toBe(empty.body.id);
    });

    it('POST behaves as PUT', async () => {
      const [id] = await seedWorkouts(t, 1);
      const res = await t.http.post(`/api/selections/${id}`).send({ timeOfDay: 'afternoon' });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ workoutId: id, timeOfDay: 'afternoon' });
    });

    it('the workout JSON shows the selection; DELETE resets it, with or without a row', async () => {
      const [id] = await seedWorkouts(t, 1);
      await put(id, { currentPlanDay: '2026-01-20', timeOfDay: 'morning' }).expect(200);
      const workout = await t.http.get(`/api/workouts/${id}`).expect(200);
      expect(workout.body.originallyPlannedDay).toBe('2026-01-15');
      expect(workout.body.selection).toMatchObject({ currentPlanDay: '2026-01-20' });
      for (let i = 0; i < 2; i++) {
        const res = await t.http.delete(`/api/selections/${id}`).expect(200);
        expect(res.body).toEqual({ message: 'Selection deleted' });
      }
      expect(await selectionRows(t, [id])).toEqual([]);
      const missing = await t.http.delete('/api/selections/987654').expect(404);
      expect(missing.body).toEqual({ error: 'Workout not found' });
    });

    it('a missing workout is 404 and writes nothing', async () => {
      const res = await put(987654, { timeOfDay: 'morning' }).expect(404);
      expect(res.body).toEqual({ error: 'Workout not found' });
      expect(await selectionRows(t, [987654])).toEqual([]);
    });

    const invalid: [string, unknown, RegExp][] = [
      ['isSelected null', { isSelected: null }, /isSelected/],
      ['isSelected string', { isSelected: 'false' }, /isSelected/],
      ['impossible date', { currentPlanDay: '2026-02-30' }, /currentPlanDay/],
      ['unpadded date', { currentPlanDay: '2026-1-5' }, /currentPlanDay/],
      ['compact date', { currentPlanDay: '20260105' }, /currentPlanDay/],
      ['datetime', { currentPlanDay: '2026-01-21T23:30:00Z' }, /currentPlanDay/],
      ['empty timeOfDay', { timeOfDay: '' }, /timeOfDay/],
      ['long timeOfDay', { timeOfDay: 'x'.repeat(51) }, /timeOfDay/],
      ['numeric timeOfDay', { timeOfDay: 7 }, /timeOfDay/],
      ['long workoutLocation', { workoutLocation: 'x'.repeat(101) }, /workoutLocation/],
      ['long userNotes', { userNotes: 'x'.repeat(10_001) }, /userNotes/],
      ['unknown key', { timeOfDay: 'morning', colour: 'red' }, /Unknown field: colour/],
      ['array body', [{ timeOfDay: 'morning' }], /JSON object/],
    ];
    it.each(invalid)('%s is 400 and writes nothing', async (_name, body, message) => {
      const [id] = await seedWorkouts(t, 1);
      const res = await put(id, body).expect(400);
      expect(res.body.error).toMatch(message);
      expect(await selectionRows(t, [id])).toEqual([]);
    });

    it.each(['abc', '0', '-3', '4294967296'])('workout id %s is 400', async (id) => {
      await t.http.put(`/api/selections/${id}`).send({}).expect(400);
    });
  });

  describe('concurrency', () => {
    it('parallel partial updates of 100 new workouts: one row each, every field kept', async () => {
      const ids = await seedWorkouts(t, 100);
      const requests = shuffle(
        ids.flatMap((workoutId, i) => [
          { workoutId, body: { currentPlanDay: dayFor(i) } },
          { workoutId, body: { timeOfDay: SLOTS[i % 3] } },
          { workoutId, body: { workoutLocation: i % 2 ? 'indoor' : 'outdoor' } },
          { workoutId, body: { userNotes: `note ${i}` } },
        ]),
      );
      const byId = await fireAndRead(requests, ids);
      ids.forEach((id, i) =>
        expect(byId.get(id)).toEqual({
          workoutId: id,
          isSelected: true,
          currentPlanDay: dayFor(i),
          timeOfDay: SLOTS[i % 3],
          workoutLocation: i % 2 ? 'indoor' : 'outdoor',
          userNotes: `note ${i}`,
        }),
      );
    });

    it('parallel partial updates of 100 existing rows: every field kept', async () => {
      const ids = await seedWorkouts(t, 100);
      await fire(ids.map((workoutId) => ({ workoutId, body: { isSelected: false } })));
      const requests = shuffle(
        ids.flatMap((workoutId, i) => [
          { workoutId, body: { currentPlanDay: dayFor(i + 7) } },
          { workoutId, body: { timeOfDay: SLOTS[(i + 1) % 3] } },
          { workoutId, body: { workoutLocation: i % 2 ? 'outdoor' : 'indoor' } },
          { workoutId, body: { isSelected: true } },
        ]),
      );
      const byId = await fireAndRead(requests, ids);
      ids.forEach((id, i) =>
        expect(byId.get(id)).toMatchObject({
          isSelected: true,
          currentPlanDay: dayFor(i + 7),
          timeOfDay: SLOTS[(i + 1) % 3],
          workoutLocation: i % 2 ? 'outdoor' : 'indoor',
        }),
      );
    });

    it('many writers of the same field: the final value is one of those sent', async () => {
      const ids = await seedWorkouts(t, 10);
      const values = Array.from({ length: 20 }, (_, i) => `slot-${i}`);
      const statuses = await fire(
        shuffle(
          ids.flatMap((workoutId) =>
            values.map((timeOfDay) => ({ workoutId, body: { timeOfDay } })),
          ),
        ),
      );
      expect(statuses.filter((s) => s !== 200)).toEqual([]);
      const rows = await selectionRows(t, ids);
      expect(rows).toHaveLength(ids.length);
      for (const row of rows) expect(values).toContain(row.timeOfDay);
    });

    it('404s and 400s interleaved with good requests: every 200 is persisted, nothing else', async () => {
      const good = await seedWorkouts(t, 40);
      const badBody = await seedWorkouts(t, 20);
      const missing = Array.from({ length: 20 }, (_, i) => 900_000 + i);
      const requests = shuffle<Sent & { expect: number }>([
        ...good.flatMap((workoutId, i) => [
          { workoutId, body: { timeOfDay: SLOTS[i % 3] }, expect: 200 },
          { workoutId, body: { workoutLocation: 'indoor' }, expect: 200 },
        ]),
        ...badBody.map((workoutId) => ({ workoutId, body: { isSelected: 'yes' }, expect: 400 })),
        ...badBody.map((workoutId) => ({
          workoutId,
          body: { currentPlanDay: '2026-13-01' },
          expect: 400,
        })),
        ...missing.map((workoutId) => ({ workoutId, body: { timeOfDay: 'morning' }, expect: 404 })),
      ]);
      const statuses = await fire(requests);
      expect(statuses).toEqual(requests.map((r) => r.expect));

      const rows = await selectionRows(t, good);
      expect(rows).toHaveLength(good.length);
      const byId = new Map(rows.map((row) => [row.workoutId, row]));
      good.forEach((id, i) =>
        expect(byId.get(id)).toMatchObject({ timeOfDay: SLOTS[i % 3], workoutLocation: 'indoor' }),
      );
      expect(await selectionRows(t, [...badBody, ...missing])).toEqual([]);
    });

    it('a request that fails after writing is rolled back alone; concurrent requests keep theirs', async () => {
      const good = await seedWorkouts(t, 30);
      const poisoned = new Set(await seedWorkouts(t, 10));
      const repository = t.app.get(SelectionsRepository, { strict: false });
      const original = repository.upsertForWorkout.bind(repository);
      const spy = jest
        .spyOn(repository, 'upsertForWorkout')
        .mockImplementation(async (manager, workoutId, changes) => {
          const row = await original(manager, workoutId, changes);
          if (poisoned.has(workoutId)) throw new Error('injected failure after the write');
          return row;
        });
      try {
        const requests = shuffle<Sent & { expect: number }>([
          ...good.map((workoutId, i) => ({
            workoutId,
            body: { userNotes: `kept ${i}` },
            expect: 200,
          })),
          ...[...poisoned].map((workoutId) => ({
            workoutId,
            body: { userNotes: 'lost' },
            expect: 500,
          })),
        ]);
        const statuses = await fire(requests);
        expect(statuses).toEqual(requests.map((r) => r.expect));
      } finally {
        spy.mockRestore();
      }
      const rows = await selectionRows(t, good);
      expect(rows.map((row) => row.userNotes).sort()).toEqual(
        good.map((_, i) => `kept ${i}`).sort(),
      );
      expect(await selectionRows(t, [...poisoned])).toEqual([]);
    });
  });
});
