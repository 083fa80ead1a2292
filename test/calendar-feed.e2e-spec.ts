import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import request from 'supertest';
import { CalendarFeedTokensService } from '../src/calendar/calendar-feed-tokens.service';
import { ENGINES } from './support/test-database';
import { server, startTestApp, TestApp } from './support/test-app';
import { childEnv } from './support/server-process';
import { clearWorkouts } from './support/seed';

const unfold = (ics: string) => ics.replace(/\r\n[ \t]/g, '');

describe.each(ENGINES)('iCalendar feed on %s', (engine) => {
  let t: TestApp;
  let token: string;

  beforeAll(async () => {
    t = await startTestApp(engine, { CALDAV_EVENT_TITLE: 'Joe; training' });
  });
  afterAll(() => t.close());
  beforeEach(async () => {
    await clearWorkouts(t);
    token = await t.app.get(CalendarFeedTokensService).rotate();
  });

  // Without the shared agent: calendar apps send no login credentials.
  const feed = (query: Record<string, string> = { token }) =>
    request(server(t)).get('/api/calendar.ics').query(query);

  it('serves the planned workouts as one all-day event per displayed date', async () => {
    const create = (body: Record<string, unknown>) =>
      t.http.post('/api/workouts').send(body).expect(201);
    await create({
      workoutType: 'Run',
      originallyPlannedDay: '2026-01-15',
      plannedDuration: 1.5,
      timeOfDay: 'morning',
      workoutLocation: 'outdoor',
    });
    await create({ workoutType: 'Bike', originallyPlannedDay: '2026-01-15', timeOfDay: 'evening' });
    const moved = await create({
      workoutType: 'Swim',
      originallyPlannedDay: '2026-01-10',
      plannedDuration: 1,
    });
    const dropped = await create({ workoutType: 'Strength', originallyPlannedDay: '2026-01-20' });
    const bool = (v: boolean) => (engine === 'postgres' ? v : v ? 1 : 0);
    await t.sql(
      'INSERT INTO workout_selections (workout_id, is_selected, current_plan_day) VALUES (?, ?, ?)',
      [moved.body.id, bool(true), '2026-01-22'],
    );
    await t.sql('INSERT INTO workout_selections (workout_id, is_selected) VALUES (?, ?)', [
      dropped.body.id,
      bool(false),
    ]);

    const res = await feed().expect(200);
    expect(res.headers['content-type']).toBe('text/calendar; charset=utf-8');
    const text = unfold(res.text);
    expect(text.match(/BEGIN:VEVENT/g)).toHaveLength(2);
    expect(text).toContain('UID:workout-plan-20260115@workout-planner\r\n');
    expect(text).toContain('DTSTART;VALUE=DATE:20260115\r\nDTEND;VALUE=DATE:20260116\r\n');
    expect(text).toContain('UID:workout-plan-20260122@workout-planner\r\n');
    expect(text).not.toContain('20260110');
    expect(text).not.toContain('20260120');
    expect(text).toContain('SUMMARY:Joe\\; training\r\n');
    expect(text).toContain(
      'DESCRIPTION:- Morning run (outdoor)\\, 1 hour 30 minutes\\n- Evening bike\r\n',
    );
    expect(text).toContain('DESCRIPTION:- Unscheduled swim\\, 1 hour\r\n');
  });

  it('is 401 without a token or with a wrong one', async () => {
    for (const query of [
      {} as Record<string, string>,
      { token: '' },
      { token: 'wrong' },
      { token: token.slice(0, -1) },
    ]) {
      const res = await feed(query).expect(401);
      expect(res.body).toEqual({ error: 'A valid calendar feed token is required' });
    }
  });

  it('a new token invalidates the old one; only a hash is stored', async () => {
    await feed().expect(200);
    const fresh = await t.app.get(CalendarFeedTokensService).rotate();
    await feed({ token }).expect(401);
    await feed({ token: fresh }).expect(200);
    const rows = await t.sql<{ token_hash: string }>('SELECT token_hash FROM calendar_feed_tokens');
    expect(rows).toHaveLength(1);
    expect(rows[0].token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(rows[0].token_hash).not.toContain(fresh);
    expect(fresh).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('`npm run user:create -- --feed-token` prints a working token on its last line', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', join('scripts', 'create-user.ts'), '--feed-token'],
      {
        cwd: join(__dirname, '..'),
        env: childEnv({ DATABASE_URL: t.db.url, LOG_LEVEL: 'warn' }),
      },
    );
    const printed = stdout.trim().split('\n').pop() as string;
    await feed({ token }).expect(401);
    await feed({ token: printed }).expect(200);
  }, 60_000);
});
