import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiDocument } from './support/openapi';
import { ENGINES } from './support/test-database';
import { server, startTestApp, TestApp } from './support/test-app';
import { describeWithRadicale, Radicale, StoredEvent } from './support/radicale';
import { freePort } from './support/server-process';
import { clearWorkouts } from './support/seed';

const CALENDAR = 'training';
const CALENDAR_NAME = 'Training plan';
const TITLE = 'Workout schedule';

const unfold = (ics: string) => ics.replace(/\r\n[ \t]/g, '');
const field = (ics: string, name: string) =>
  new RegExp(`^${name}[;:](.*)$`, 'm').exec(unfold(ics).replace(/\r/g, ''))?.[1] ?? null;
const byStart = (events: StoredEvent[]) => events.map((e) => field(e.data, 'DTSTART')).sort();

describeWithRadicale('calendar export against a real Radicale', () => {
  let radicale: Radicale;

  beforeAll(async () => {
    radicale = await Radicale.start();
    await radicale.makeCalendar(CALENDAR, CALENDAR_NAME);
    await radicale.makeCalendar('other', 'Other calendar');
  });
  afterAll(() => radicale?.stop());

  const caldavEnv = () => ({
    CALDAV_URL: radicale.url,
    CALDAV_USERNAME: radicale.username,
    CALDAV_PASSWORD: radicale.password,
    CALDAV_CALENDAR_NAME: CALENDAR_NAME,
  });

  describe.each(ENGINES)('on %s', (engine) => {
    let t: TestApp;
    let doc: ApiDocument;

    beforeAll(async () => {
      t = await startTestApp(engine, caldavEnv());
      doc = await ApiDocument.fetch(server(t));
    });
    afterAll(() => t.close());
    beforeEach(async () => {
      await clearWorkouts(t);
      await radicale.clear(CALENDAR);
      await radicale.clear('other');
    });

    const workout = async (body: Record<string, unknown>): Promise<number> => {
      const res = await t.http.post('/api/workouts').send(body).expect(201);
      return res.body.id as number;
    };
    const bool = (value: boolean) => (engine === 'postgres' ? value : value ? 1 : 0);
    /** Writes the selection row directly (the selections API belongs to another issue). */
    const select = async (
      id: number,
      s: { isSelected?: boolean; currentPlanDay?: string; timeOfDay?: string },
    ) => {
      await t.sql('DELETE FROM workout_selections WHERE workout_id = ?', [id]);
      await t.sql(
        'INSERT INTO workout_selections (workout_id, is_selected, current_plan_day, time_of_day) VALUES (?, ?, ?, ?)',
        [id, bool(s.isSelected ?? true), s.currentPlanDay ?? null, s.timeOfDay ?? null],
      );
    };
    /** An export whose answer, whatever its status, is one the API document describes. */
    const exportRange = (startDate: string, endDate: string) =>
      t.http.post('/api/export/calendar').send({ startDate, endDate }).expect(doc.check);

    async function seedPlan() {
      await workout({
        workoutType: 'Bike',
        originallyPlannedDay: '2026-01-15',
        plannedDuration: 2.5,
        timeOfDay: 'afternoon',
      });
      const run = await workout({
        workoutType: 'Run',
        originallyPlannedDay: '2026-01-15',
        plannedDuration: 1.5,
        timeOfDay: 'morning',
        workoutLocation: 'outdoor',
      });
      await workout({
        workoutType: 'Swim',
        originallyPlannedDay: '2026-01-16',
        plannedDuration: 0.5,
      });
      const deselected = await workout({
        workoutType: 'Strength',
        originallyPlannedDay: '2026-01-16',
      });
      await select(deselected, { isSelected: false });
      const movedIn = await workout({ workoutType: 'Run', originallyPlannedDay: '2026-02-20' });
      await select(movedIn, { currentPlanDay: '2026-01-17', timeOfDay: 'evening' });
      const movedOut = await workout({ workoutType: 'Bike', originallyPlannedDay: '2026-01-18' });
      await select(movedOut, { currentPlanDay: '2026-03-01' });
      return { run };
    }

    it('creates one all-day event per date, by displayed date, without deselected workouts', async () => {
      await seedPlan();
      const res = await exportRange('2026-01-15', '2026-01-18').expect(200);
      expect(res.body).toEqual({
        message: 'Successfully exported workouts to calendar',
        eventsCreated: 3,
        results: [
          { date: '2026-01-15', success: true, eventId: 'workout-plan-20260115@workout-planner' },
          { date: '2026-01-16', success: true, eventId: 'workout-plan-20260116@workout-planner' },
          { date: '2026-01-17', success: true, eventId: 'workout-plan-20260117@workout-planner' },
        ],
        dateRange: { start: '2026-01-15', end: '2026-01-18' },
      });
      const events = await radicale.events(CALENDAR);
      expect(byStart(events)).toEqual([
        'VALUE=DATE:20260115',
        'VALUE=DATE:20260116',
        'VALUE=DATE:20260117',
      ]);
      const jan15 = events.find((e) => field(e.data, 'DTSTART')?.endsWith('20260115'))!;
      expect(field(jan15.data, 'SUMMARY')).toBe(TITLE);
      expect(field(jan15.data, 'UID')).toBe('workout-plan-20260115@workout-planner');
      expect(field(jan15.data, 'DTEND')).toBe('VALUE=DATE:20260116');
      expect(field(jan15.data, 'DESCRIPTION')).toBe(
        '- Morning run (outdoor)\\, 1 hour 30 minutes\\n- Afternoon bike\\, 2 hours 30 minutes',
      );
      const jan16 = events.find((e) => field(e.data, 'DTSTART')?.endsWith('20260116'))!;
      expect(field(jan16.data, 'DESCRIPTION')).toBe('- Unscheduled swim\\, 30 minutes');
      const jan17 = events.find((e) => field(e.data, 'DTSTART')?.endsWith('20260117'))!;
      expect(field(jan17.data, 'DESCRIPTION')).toBe('- Evening run');
      expect(await radicale.events('other')).toEqual([]);
    });

    it('re-export replaces the plan events of the range and leaves other events alone', async () => {
      const { run } = await seedPlan();
      await exportRange('2026-01-15', '2026-01-18').expect(200);
      // An event of an older export (other UID and file name), another title, and one outside.
      const foreign = (uid: string, date: string, summary: string) =>
        [
          'BEGIN:VCALENDAR',
          'VERSION:2.0',
          'PRODID:-//test//EN',
          'BEGIN:VEVENT',
          `UID:${uid}`,
          'DTSTAMP:20260101T000000Z',
          `DTSTART;VALUE=DATE:${date}`,
          `SUMMARY:${summary}`,
          'END:VEVENT',
          'END:VCALENDAR',
          '',
        ].join('\r\n');
      await radicale.put(CALENDAR, 'old.ics', foreign('old-1@x', '20260116', TITLE));
      await radicale.put(CALENDAR, 'dentist.ics', foreign('dentist@x', '20260116', 'Dentist'));
      await radicale.put(CALENDAR, 'later.ics', foreign('later@x', '20260125', TITLE));
      await t.http.put(`/api/workouts/${run}`).send({ plannedDuration: 1 }).expect(200);

      const res = await exportRange('2026-01-15', '2026-01-18').expect(200);
      expect(res.body.eventsCreated).toBe(3);
      const events = await radicale.events(CALENDAR);
      const plan = events.filter((e) => field(e.data, 'SUMMARY') === TITLE);
      expect(byStart(plan)).toEqual([
        'VALUE=DATE:20260115',
        'VALUE=DATE:20260116',
        'VALUE=DATE:20260117',
        'VALUE=DATE:20260125',
      ]);
      expect(events.map((e) => e.href.split('/').pop())).not.toContain('old.ics');
      expect(events.map((e) => e.href.split('/').pop())).toContain('dentist.ics');
      const jan15 = plan.find((e) => field(e.data, 'DTSTART')?.endsWith('20260115'))!;
      expect(field(jan15.data, 'DESCRIPTION')).toBe(
        '- Morning run (outdoor)\\, 1 hour\\n- Afternoon bike\\, 2 hours 30 minutes',
      );
    });

    it('removes the event of a date that no longer has planned workouts', async () => {
      await seedPlan();
      await exportRange('2026-01-15', '2026-01-18').expect(200);
      const moved = await t.sql<{ workout_id: number }>(
        'SELECT workout_id FROM workout_selections WHERE current_plan_day = ?',
        ['2026-01-17'],
      );
      await select(moved[0].workout_id, { isSelected: false });
      const res = await exportRange('2026-01-15', '2026-01-18').expect(200);
      expect(res.body.results.map((r: { date: string }) => r.date)).toEqual([
        '2026-01-15',
        '2026-01-16',
      ]);
      expect(byStart(await radicale.events(CALENDAR))).toEqual([
        'VALUE=DATE:20260115',
        'VALUE=DATE:20260116',
      ]);
    });

    it('an empty plan exports nothing', async () => {
      const res = await exportRange('2026-01-01', '2026-01-07').expect(200);
      expect(res.body).toMatchObject({ eventsCreated: 0, results: [] });
    });

    it.each([
      [{}, 'startDate and endDate are required'],
      [{ startDate: '2026-01-15' }, 'startDate and endDate are required'],
      [{ startDate: '2026-01-15', endDate: null }, 'startDate and endDate are required'],
      [{ startDate: '2026-02-30', endDate: '2026-03-01' }, /startDate must be a real date/],
      [{ startDate: '2026-01-15', endDate: '15/01/2026' }, /endDate must be a real date/],
      [
        { startDate: '2026-01-16', endDate: '2026-01-15' },
        'startDate must be before or equal to endDate',
      ],
      [
        { startDate: '2026-01-15', endDate: '2026-01-16', calendar: 'x' },
        /Unknown field: calendar/,
      ],
    ])('body %j is 400', async (body, message) => {
      const res = await t.http.post('/api/export/calendar').send(body).expect(400);
      if (typeof message === 'string') expect(res.body).toEqual({ error: message });
      else expect(res.body.error).toMatch(message);
    });
  });

  describe('configuration and connection errors', () => {
    let counter: Server;
    let calls = 0;
    beforeAll(async () => {
      counter = createServer((_req, res) => {
        calls++;
        res.writeHead(500).end();
      });
      await new Promise<void>((resolve) => counter.listen(0, '127.0.0.1', resolve));
    });
    afterAll(() => new Promise<void>((resolve) => counter.close(() => resolve())));

    const body = { startDate: '2026-01-15', endDate: '2026-01-16' };
    const withApp = async (env: Record<string, string>, check: (t: TestApp) => Promise<void>) => {
      const t = await startTestApp('sqlite', env);
      try {
        await check(t);
      } finally {
        await t.close();
      }
    };

    // What is missing goes to the server log (see the faults spec); the client learns only
    // that the server is misconfigured, with the request id to find the line.
    const misconfigured = {
      error: 'The server is not configured for this request; the details are in the server log',
      requestId: expect.any(String),
    };

    it('500 without credentials or calendar name, and no CalDAV call', async () => {
      const url = `http://127.0.0.1:${(counter.address() as AddressInfo).port}/`;
      await withApp({ CALDAV_URL: url, CALDAV_USERNAME: 'u' }, async (t) => {
        const res = await t.http.post('/api/export/calendar').send(body).expect(500);
        expect(res.body).toEqual(misconfigured);
        expect(res.body.requestId).toBe(res.headers['x-request-id']);
      });
      await withApp({ CALDAV_URL: url, CALDAV_USERNAME: 'u', CALDAV_PASSWORD: 'p' }, async (t) => {
        const res = await t.http.post('/api/export/calendar').send(body).expect(500);
        expect(res.body).toEqual(misconfigured);
      });
      expect(calls).toBe(0);
    });

    it('an unreachable server is a clear 502 without credentials in it', async () => {
      const port = await freePort();
      await withApp({ ...caldavEnv(), CALDAV_URL: `http://127.0.0.1:${port}/` }, async (t) => {
        const res = await t.http.post('/api/export/calendar').send(body).expect(502);
        expect(res.body.error).toBe('Calendar export failed: Could not reach the CalDAV server');
        expect(JSON.stringify(res.body)).not.toContain(radicale.password);
      });
    });

    it('wrong credentials are a 502 naming the cause, an unknown calendar a 500', async () => {
      await withApp({ ...caldavEnv(), CALDAV_PASSWORD: 'wrong-secret' }, async (t) => {
        const res = await t.http.post('/api/export/calendar').send(body).expect(502);
        expect(res.body.error).toBe(
          'Calendar export failed: The CalDAV server refused the configured credentials (HTTP 401)',
        );
        expect(JSON.stringify(res.body)).not.toContain('wrong-secret');
      });
      await withApp({ ...caldavEnv(), CALDAV_CALENDAR_NAME: 'Nope' }, async (t) => {
        const res = await t.http.post('/api/export/calendar').send(body).expect(500);
        expect(res.body).toEqual(misconfigured);
      });
    });
  });
});
