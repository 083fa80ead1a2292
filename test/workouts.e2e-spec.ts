import { ENGINES } from './support/test-database';
import { startTestApp, TestApp } from './support/test-app';
import { clearWorkouts } from './support/seed';

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

describe.each(ENGINES)('workouts API on %s', (engine) => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp(engine);
  });
  afterAll(() => t.close());
  beforeEach(async () => {
    await clearWorkouts(t);
  });

  const create = (body: Record<string, unknown>) =>
    t.http.post('/api/workouts').send(body).expect(201);

  it('lists nothing on an empty database', async () => {
    const res = await t.http.get('/api/workouts').expect(200);
    expect(res.body).toEqual({ workouts: [], count: 0 });
  });

  it('creates a custom workout with the contract shape and its selection', async () => {
    const res = await create({
      title: 'Long ride',
      workoutType: 'Bike',
      workoutDescription: 'Zone 2',
      originallyPlannedDay: '2026-01-15',
      plannedDuration: 2.5,
      plannedDistanceInMeters: 60000,
      tss: 120,
      timeOfDay: 'morning',
      workoutLocation: 'indoor',
      isCustom: true,
    });
    expect(res.body).toEqual({
      id: expect.any(Number),
      title: 'Long ride',
      workoutType: 'Bike',
      workoutDescription: 'Zone 2',
      plannedDuration: 2.5,
      plannedDistanceInMeters: 60000,
      originallyPlannedDay: '2026-01-15',
      coachComments: null,
      tss: 120,
      intensityFactor: null,
      isCustom: true,
      createdAt: expect.stringMatching(ISO_UTC),
      selection: {
        id: expect.any(Number),
        workoutId: res.body.id,
        isSelected: true,
        currentPlanDay: null,
        timeOfDay: 'morning',
        workoutLocation: 'indoor',
        userNotes: null,
        updatedAt: expect.stringMatching(ISO_UTC),
      },
    });
    const rows = await t.sql('SELECT * FROM workout_selections WHERE workout_id = ?', [
      res.body.id,
    ]);
    expect(rows).toHaveLength(1);
  });

  it('applies the defaults of an empty create and makes no selection without placement', async () => {
    const res = await create({ originallyPlannedDay: '2026-02-01', timeOfDay: null });
    expect(res.body).toMatchObject({
      title: '',
      workoutType: 'Other',
      workoutDescription: '',
      isCustom: false,
      selection: null,
    });
    expect(await t.sql('SELECT * FROM workout_selections')).toHaveLength(0);
  });

  it('orders the list by original day, then id, and gets one by id', async () => {
    const b = await create({ title: 'b', originallyPlannedDay: '2026-01-20' });
    const a1 = await create({ title: 'a1', originallyPlannedDay: '2026-01-10' });
    const a2 = await create({ title: 'a2', originallyPlannedDay: '2026-01-10' });
    const list = await t.http.get('/api/workouts').expect(200);
    expect(list.body.count).toBe(3);
    expect(list.body.workouts.map((w: { id: number }) => w.id)).toEqual([
      a1.body.id,
      a2.body.id,
      b.body.id,
    ]);
    const one = await t.http.get(`/api/workouts/${b.body.id}`).expect(200);
    expect(one.body).toEqual(b.body);
  });

  it('updates only the keys sent, and timeOfDay/workoutLocation on the selection', async () => {
    const w = await create({
      title: 'Run',
      workoutType: 'Run',
      originallyPlannedDay: '2026-01-15',
      tss: 50,
    });
    const res = await t.http
      .put(`/api/workouts/${w.body.id}`)
      .send({ tss: null, plannedDuration: 1, workoutLocation: 'outdoor' })
      .expect(200);
    expect(res.body).toMatchObject({
      title: 'Run',
      tss: null,
      plannedDuration: 1,
      selection: { isSelected: true, workoutLocation: 'outdoor', timeOfDay: null },
    });
    const again = await t.http
      .put(`/api/workouts/${w.body.id}`)
      .send({ workoutLocation: null, originallyPlannedDay: '2026-01-16' })
      .expect(200);
    expect(again.body.selection.workoutLocation).toBeNull();
    expect(again.body.originallyPlannedDay).toBe('2026-01-16');
    expect(await t.sql('SELECT * FROM workout_selections')).toHaveLength(1);
  });

  it('deletes a workout together with its selection row', async () => {
    const w = await create({ originallyPlannedDay: '2026-01-15', timeOfDay: 'evening' });
    const res = await t.http.delete(`/api/workouts/${w.body.id}`).expect(200);
    expect(res.body).toEqual({ message: 'Workout deleted' });
    expect(await t.sql('SELECT * FROM workouts')).toHaveLength(0);
    expect(await t.sql('SELECT * FROM workout_selections')).toHaveLength(0);
    await t.http.get(`/api/workouts/${w.body.id}`).expect(404);
  });

  describe('errors', () => {
    it.each([
      ['get', '/api/workouts/999'],
      ['put', '/api/workouts/999'],
      ['delete', '/api/workouts/999'],
    ] as const)('%s %s of a missing workout is 404', async (method, path) => {
      const res = await t.http[method](path).send({}).expect(404);
      expect(res.body).toEqual({ error: 'Workout not found' });
    });

    it.each(['abc', '-1', '0', '1.5', '99999999999'])('id %s in the path is 400', async (id) => {
      const res = await t.http.get(`/api/workouts/${id}`).expect(400);
      expect(res.body.error).toMatch(/id must be a positive integer/);
    });

    const bad: [string, unknown, RegExp][] = [
      ['missing originallyPlannedDay', { title: 'x' }, /originallyPlannedDay/],
      ['impossible date', { originallyPlannedDay: '2026-02-30' }, /originallyPlannedDay/],
      ['unpadded date', { originallyPlannedDay: '2026-1-5' }, /originallyPlannedDay/],
      ['compact date', { originallyPlannedDay: '20260105' }, /originallyPlannedDay/],
      ['datetime', { originallyPlannedDay: '2026-01-05T00:00:00Z' }, /originallyPlannedDay/],
      ['null title', { originallyPlannedDay: '2026-01-05', title: null }, /title/],
      ['long title', { originallyPlannedDay: '2026-01-05', title: 'x'.repeat(501) }, /title/],
      ['string number', { originallyPlannedDay: '2026-01-05', tss: '50' }, /tss/],
      [
        'unknown key',
        { originallyPlannedDay: '2026-01-05', colour: 'red' },
        /Unknown field: colour/,
      ],
      [
        'long timeOfDay',
        { originallyPlannedDay: '2026-01-05', timeOfDay: 'x'.repeat(51) },
        /timeOfDay/,
      ],
      ['array body', [{ originallyPlannedDay: '2026-01-05' }], /JSON object/],
    ];
    it.each(bad)('POST with %s is 400 and writes nothing', async (_name, body, message) => {
      const res = await t.http
        .post('/api/workouts')
        .send(body as object)
        .expect(400);
      expect(res.body.error).toMatch(message);
      expect(await t.sql('SELECT * FROM workouts')).toHaveLength(0);
    });

    it('PUT with a bad value is 400 and changes nothing', async () => {
      const w = await create({ title: 'Keep', originallyPlannedDay: '2026-01-15' });
      await t.http
        .put(`/api/workouts/${w.body.id}`)
        .send({ title: 'Changed', workoutType: null })
        .expect(400);
      const [row] = await t.sql<{ title: string }>('SELECT title FROM workouts WHERE id = ?', [
        w.body.id,
      ]);
      expect(row.title).toBe('Keep');
    });

    it('malformed JSON is 400 and a non-JSON content type is 415, both as JSON', async () => {
      const malformed = await t.http
        .post('/api/workouts')
        .set('Content-Type', 'application/json')
        .send('{"originallyPlannedDay": ')
        .expect(400);
      expect(malformed.body).toEqual({ error: 'Request body is not valid JSON' });
      expect(malformed.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
      const text = await t.http
        .post('/api/workouts')
        .set('Content-Type', 'text/plain')
        .send('originallyPlannedDay=2026-01-01')
        .expect(415);
      expect(text.body).toEqual({ error: 'Content-Type must be application/json' });
    });

    it('a body over 1 MiB is 413', async () => {
      const res = await t.http
        .post('/api/workouts')
        .send({ originallyPlannedDay: '2026-01-05', workoutDescription: 'x'.repeat(1_100_000) })
        .expect(413);
      expect(res.body.error).toMatch(/too large/);
    });

    it('unknown /api paths are JSON 404, wrong methods JSON 405 with Allow', async () => {
      const missing = await t.http.get('/api/nope').expect(404);
      expect(missing.body).toEqual({ error: 'Not found: /api/nope' });
      const wrong = await t.http.patch('/api/workouts/1').send({}).expect(405);
      expect(wrong.body.error).toMatch(/PATCH not allowed/);
      expect(wrong.headers.allow).toBe('DELETE, GET, HEAD, PUT');
    });

    it('every response carries X-Request-ID, echoing a sane one', async () => {
      const mine = await t.http.get('/api/workouts').set('X-Request-ID', 'abc-123').expect(200);
      expect(mine.headers['x-request-id']).toBe('abc-123');
      const fresh = await t.http.post('/api/nope').send({}).expect(404);
      expect(fresh.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
      const insane = await t.http.get('/api/workouts').set('X-Request-ID', 'a b\tc').expect(200);
      expect(insane.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    });
  });
});
