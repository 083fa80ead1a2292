import { request as httpRequest } from 'node:http';
import { seedWorkouts, selectionRows } from './support/seed';
import { startTestApp, TestApp } from './support/test-app';
import { ENGINES } from './support/test-database';

const SUN = '\u2600\uFE0F'; // "☀️": two code points, which class-validator counts as one
const FACE = '\u{1F600}'; // "😀": one code point, two UTF-16 units

/** Every bad body of contract A.2 is refused with a JSON error, and nothing is written. */
describe.each(ENGINES)('strict request bodies on %s', (engine) => {
  let t: TestApp;
  let base: string;

  beforeAll(async () => {
    t = await startTestApp(engine);
    base = t.url;
  });
  afterAll(() => t.close());

  /** A raw request: `contentType` undefined sends no Content-Type header at all. */
  async function send(
    method: string,
    path: string,
    body: string,
    contentType?: string,
    authorized = true,
  ): Promise<{ status: number; body: { error?: string } & Record<string, unknown> }> {
    const headers: Record<string, string> = {};
    if (contentType !== undefined) headers['content-type'] = contentType;
    if (authorized) headers.authorization = `Bearer ${t.token}`;
    // Bytes, not a string: fetch would add `text/plain` to a string body.
    const res = await fetch(`${base}${path}`, {
      method,
      headers,
      body: new TextEncoder().encode(body),
    });
    return { status: res.status, body: (await res.json()) as { error?: string } };
  }

  const updatedAt = async (workoutId: number) =>
    (
      await t.sql<{ updated_at: unknown }>(
        'SELECT updated_at FROM workout_selections WHERE workout_id = ?',
        [workoutId],
      )
    ).map((row) => String(row.updated_at));

  describe('content types', () => {
    it.each([
      ['text/plain', 'text/plain'],
      ['a form', 'application/x-www-form-urlencoded'],
      ['no Content-Type', undefined],
      ['CSV', 'text/csv'],
    ])('a JSON body sent as %s is 415 and writes nothing', async (_name, contentType) => {
      const [fresh, existing] = await seedWorkouts(t, 2);
      await t.http.put(`/api/selections/${existing}`).send({ timeOfDay: 'morning' }).expect(200);
      const before = await updatedAt(existing);
      for (const id of [fresh, existing]) {
        const res = await send(
          'PUT',
          `/api/selections/${id}`,
          '{"timeOfDay":"evening"}',
          contentType,
        );
        expect(res).toEqual({
          status: 415,
          body: { error: 'Content-Type must be application/json' },
        });
      }
      expect(await selectionRows(t, [fresh])).toEqual([]);
      expect(await selectionRows(t, [existing])).toEqual([
        expect.objectContaining({ timeOfDay: 'morning' }),
      ]);
      expect(await updatedAt(existing)).toEqual(before);
    });

    it('accepts application/json with any charset parameter', async () => {
      const [id] = await seedWorkouts(t, 1);
      const res = await send(
        'PUT',
        `/api/selections/${id}`,
        '{"timeOfDay":"evening"}',
        'Application/JSON; charset=UTF-8',
      );
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ workoutId: id, timeOfDay: 'evening' });
    });

    it('refuses JSON on the CSV import and a CSV on the JSON routes, with 415', async () => {
      const json = await send('POST', '/api/workouts/import', '{"csv":"x"}', 'application/json');
      expect(json).toEqual({
        status: 415,
        body: { error: 'Content-Type must be multipart/form-data or text/csv' },
      });
      const csv = await send('POST', '/api/workouts', 'Title\nx', 'text/csv');
      expect(csv.status).toBe(415);
      expect(await t.sql('SELECT id FROM workouts WHERE title = ?', ['x'])).toEqual([]);
    });

    it('answers 401 before 415 on a private route', async () => {
      const res = await send('PUT', '/api/selections/1', 'x', 'text/plain', false);
      expect(res).toEqual({ status: 401, body: { error: 'Token is missing' } });
    });
  });

  describe('prototype keys, depth and shapes', () => {
    it.each([
      ['__proto__', '{"__proto__": {"isSelected": false}, "timeOfDay": "evening"}'],
      ['constructor', '{"constructor": {"prototype": {"x": 1}}, "timeOfDay": "evening"}'],
      ['prototype', '{"prototype": 1, "timeOfDay": "evening"}'],
      ['__proto__', '{"timeOfDay": "evening", "userNotes": [{"__proto__": null}]}'],
      ['constructor', '{"timeOfDay": "evening", "x": {"y": {"constructor": "z"}}}'],
    ])('a body with the key %s at any depth is 400 and writes nothing', async (key, body) => {
      const [id] = await seedWorkouts(t, 1);
      const res = await send('PUT', `/api/selections/${id}`, body, 'application/json');
      expect(res).toEqual({
        status: 400,
        body: { error: `Request body must not contain the key "${key}"` },
      });
      expect(await selectionRows(t, [id])).toEqual([]);
    });

    it.each([20, 5000])(
      'a value nested %i levels deep in a string field is 400 and writes nothing',
      async (depth) => {
        const [id] = await seedWorkouts(t, 1);
        const body = `{"timeOfDay": ${'['.repeat(depth)}${']'.repeat(depth)}}`;
        const res = await send('PUT', `/api/selections/${id}`, body, 'application/json');
        expect(res).toEqual({
          status: 400,
          body: { error: 'Request body is nested deeper than 16 levels' },
        });
        expect(await selectionRows(t, [id])).toEqual([]);
      },
    );

    it.each([
      ['an object for a string', { timeOfDay: { value: 'evening' } }, /timeOfDay must be a string/],
      [
        'an array for a string',
        { workoutLocation: ['indoor'] },
        /workoutLocation must be a string/,
      ],
      ['a string for a boolean', { isSelected: 'false' }, /isSelected must be a boolean/],
      ['a nested array for a date', { currentPlanDay: [['2026-01-05']] }, /currentPlanDay/],
    ])('%s is 400 and writes nothing', async (_name, body, message) => {
      const [id] = await seedWorkouts(t, 1);
      const res = await t.http.put(`/api/selections/${id}`).send(body).expect(400);
      expect(res.body.error).toMatch(message);
      expect(await selectionRows(t, [id])).toEqual([]);
    });

    it.each(['[1, 2]', '"text"', '42', 'null'])(
      'a JSON %s instead of an object is 400',
      async (body) => {
        const [id] = await seedWorkouts(t, 1);
        const res = await send('PUT', `/api/selections/${id}`, body, 'application/json');
        expect(res).toEqual({ status: 400, body: { error: 'Request body must be a JSON object' } });
        expect(await selectionRows(t, [id])).toEqual([]);
      },
    );
  });

  describe('lengths in code points, as the database counts them', () => {
    const stored = async (workoutId: number) => {
      const [row] = await t.sql<{
        time_of_day: string;
        workout_location: string;
        user_notes: string;
      }>(
        'SELECT time_of_day, workout_location, user_notes FROM workout_selections WHERE workout_id = ?',
        [workoutId],
      );
      return row;
    };

    it.each([
      ['timeOfDay', 'time_of_day', 50],
      ['workoutLocation', 'workout_location', 100],
      ['userNotes', 'user_notes', 10_000],
    ] as const)(
      '%s (%s): the limit in code points is accepted, one more is refused',
      async (field, column, limit) => {
        const [atLimit, overLimit] = await seedWorkouts(t, 2);
        const exact = SUN.repeat(limit / 2);
        const ok = await t.http
          .put(`/api/selections/${atLimit}`)
          .send({ [field]: exact })
          .expect(200);
        expect(ok.body[field]).toBe(exact);
        expect((await stored(atLimit))[column]).toBe(exact);

        const over = await t.http
          .put(`/api/selections/${overLimit}`)
          .send({ [field]: `${exact}x` })
          .expect(400);
        expect(over.body.error).toMatch(new RegExp(`^${field} must be `));
        expect(await selectionRows(t, [overLimit])).toEqual([]);
      },
    );

    it('26 × "☀️" in timeOfDay is 52 characters: 400 (class-validator alone says 26)', async () => {
      const [id] = await seedWorkouts(t, 1);
      const res = await t.http
        .put(`/api/selections/${id}`)
        .send({ timeOfDay: SUN.repeat(26) })
        .expect(400);
      expect(res.body).toEqual({ error: 'timeOfDay must be 1 to 50 characters without NUL' });
      expect(await selectionRows(t, [id])).toEqual([]);
    });

    it('a workout title of 500 code points is stored whole; 300 × "☀️" is 400', async () => {
      const title = FACE.repeat(500); // 1,000 UTF-16 units, 500 characters
      const created = await t.http
        .post('/api/workouts')
        .send({ title, originallyPlannedDay: '2026-01-05' })
        .expect(201);
      const [row] = await t.sql<{ title: string }>('SELECT title FROM workouts WHERE id = ?', [
        created.body.id,
      ]);
      expect(row.title).toBe(title);

      const tooLong = SUN.repeat(300);
      const res = await t.http
        .post('/api/workouts')
        .send({ title: tooLong, originallyPlannedDay: '2026-01-05' })
        .expect(400);
      expect(res.body.error).toBe('title must be at most 500 characters without NUL');
      expect(await t.sql('SELECT id FROM workouts WHERE title = ?', [tooLong])).toEqual([]);
    });

    it('a NUL character is 400, not a database error', async () => {
      const [id] = await seedWorkouts(t, 1);
      const res = await t.http
        .put(`/api/selections/${id}`)
        .send({ userNotes: 'a\u0000b' })
        .expect(400);
      expect(res.body.error).toMatch(/^userNotes must be /);
      expect(await selectionRows(t, [id])).toEqual([]);
    });
  });

  describe('unauthenticated uploads', () => {
    const workoutCount = async () =>
      Number((await t.sql<{ n: unknown }>('SELECT COUNT(*) AS n FROM workouts'))[0].n);

    it('answers 401 to an 8 MB CSV upload before the body has been sent', async () => {
      const before = await workoutCount();
      const size = 8 * 1024 * 1024;
      const url = new URL(`${base}/api/workouts/import`);
      const status = await new Promise<number>((resolve, reject) => {
        const req = httpRequest(
          {
            host: url.hostname,
            port: url.port,
            path: url.pathname,
            method: 'POST',
            headers: { 'content-type': 'text/csv', 'content-length': size },
          },
          (res) => {
            res.resume();
            // The server answered although only the first chunk left this side.
            resolve(res.statusCode ?? 0);
            req.destroy();
          },
        );
        req.on('error', (error) => {
          if (!req.destroyed) reject(error);
        });
        req.write(Buffer.alloc(64 * 1024, 'x')); // and never the rest
      });
      expect(status).toBe(401);
      expect(await workoutCount()).toBe(before);
    });

    it('answers 401 to a whole 8 MB multipart upload without a token', async () => {
      const before = await workoutCount();
      const csv = `Title,WorkoutDay\n${'Run,2026-01-05\n'.repeat((8 * 1024 * 1024) / 15)}`;
      const form = new FormData();
      form.append('file', new Blob([csv], { type: 'text/csv' }), 'plan.csv');
      const res = await fetch(`${base}/api/workouts/import`, { method: 'POST', body: form });
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ error: 'Token is missing' });
      expect(await workoutCount()).toBe(before);
    });
  });
});
