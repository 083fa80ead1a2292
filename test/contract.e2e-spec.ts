import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { ApiDocument } from './support/openapi';
import { ENGINES } from './support/test-database';
import { server, startTestApp, TestApp } from './support/test-app';
import { clearWorkouts } from './support/seed';

/**
 * The frontend's calls of contract Part B §4, in the order a session makes them, checking every
 * field it reads with its type and format, and every answer against the API document
 * (`.expect(doc.check)`): what the frontend gets is what the document says.
 */
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const numberOrNull = (value: unknown) => value === null || typeof value === 'number';
const stringOrNull = (value: unknown) => value === null || typeof value === 'string';

function expectFrontendWorkout(w: Record<string, unknown>) {
  expect(typeof w.id).toBe('number');
  expect(typeof w.title).toBe('string');
  expect(typeof w.workoutType).toBe('string');
  expect(stringOrNull(w.workoutDescription)).toBe(true);
  expect(numberOrNull(w.plannedDuration)).toBe(true);
  expect(numberOrNull(w.plannedDistanceInMeters)).toBe(true);
  expect(numberOrNull(w.tss)).toBe(true);
  expect(w.originallyPlannedDay).toMatch(DAY);
  expect(stringOrNull(w.coachComments)).toBe(true);
  expect(typeof w.isCustom).toBe('boolean');
  const selection = w.selection as Record<string, unknown> | null;
  if (selection !== null) {
    expect(selection.currentPlanDay === null || DAY.test(selection.currentPlanDay as string)).toBe(
      true,
    );
    expect(selection.isSelected === null || typeof selection.isSelected === 'boolean').toBe(true);
    expect(stringOrNull(selection.timeOfDay)).toBe(true);
    expect(stringOrNull(selection.workoutLocation)).toBe(true);
  }
}

/** The plan every test starts from: two imported workouts, no selections. */
const PLAN_CSV =
  'Title,WorkoutType,WorkoutDescription,PlannedDuration,PlannedDistanceInMeters,WorkoutDay,CoachComments,IF,TSS,TimeTotalInHours\r\n' +
  'Swim drills,Swim,4x100,1,2000,2026-01-05,Relax,,,\r\n' +
  'Long ride,Bike,Z2,3,90000,2026-01-10,,0.7,,3\r\n';

describe.each(ENGINES)('frontend contract walk on %s', (engine) => {
  let t: TestApp;
  let dir: string;
  /** The header the frontend sends once logged in (a token the harness issued). */
  let auth: string;
  /** The two planned workouts, by day. */
  let workouts: { id: number }[];
  let doc: ApiDocument;
  const api = () => request(server(t));

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'wp-contract-'));
    copyFileSync('config/tri-club-schedule.example.json', join(dir, 'schedule.json'));
    copyFileSync('config/weekly-targets.example.json', join(dir, 'targets.json'));
    t = await startTestApp(engine, {
      TRI_CLUB_SCHEDULE_FILE: join(dir, 'schedule.json'),
      WEEKLY_TARGETS_FILE: join(dir, 'targets.json'),
    });
    auth = `Bearer ${t.token}`;
    doc = await ApiDocument.fetch(server(t));
  });
  // Each call of the walk passes alone and in any order: the same plan before each.
  beforeEach(async () => {
    await clearWorkouts(t);
    const imported = await t.http
      .post('/api/workouts/import')
      .attach('file', Buffer.from(PLAN_CSV), 'plan.csv')
      .expect(201);
    expect(imported.body.imported).toBe(2);
    workouts = await t.sql<{ id: number }>(
      'SELECT id FROM workouts ORDER BY originally_planned_day',
    );
  });
  afterAll(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('#2 login: token and user', async () => {
    const res = await api()
      .post('/api/auth/login')
      .set('Content-Type', 'application/json')
      .send({ username: t.user.username, password: t.user.password })
      .expect(200)
      .expect(doc.check);
    expect(typeof res.body.token).toBe('string');
    expect(res.body.token.length).toBeGreaterThan(0);
    expect(res.body.user).toEqual({
      id: expect.any(Number),
      username: t.user.username,
      createdAt: expect.stringMatching(ISO_UTC),
      lastLogin: expect.stringMatching(ISO_UTC),
    });
    await api()
      .get('/api/auth/verify')
      .set('Authorization', `Bearer ${res.body.token}`)
      .expect(200);
  });

  it('#1 verify at start-up: user.username', async () => {
    const res = await api()
      .get('/api/auth/verify')
      .set('Authorization', auth)
      .expect(200)
      .expect(doc.check);
    expect(res.body.valid).toBe(true);
    expect(res.body.user.username).toBe(t.user.username);
  });

  it('#3 workouts: every field the list reads', async () => {
    const res = await api()
      .get('/api/workouts')
      .set('Authorization', auth)
      .set('Content-Type', 'application/json')
      .expect(200)
      .expect(doc.check);
    expect(Array.isArray(res.body.workouts)).toBe(true);
    const listed = res.body.workouts as Record<string, unknown>[];
    expect(listed.map((w) => w.id)).toEqual(workouts.map((w) => w.id));
    listed.forEach(expectFrontendWorkout);
    expect(listed[1].tss).toBeCloseTo(147);
  });

  it('#4 tri-club schedule: schedule[weekday][].{time, activity}', async () => {
    const res = await api()
      .get('/api/tri-club-schedule')
      .set('Authorization', auth)
      .expect(200)
      .expect(doc.check);
    for (const entries of Object.values(res.body.schedule as Record<string, unknown[]>)) {
      for (const entry of entries as Record<string, unknown>[]) {
        expect(entry.time).toMatch(/^\d{2}:\d{2}$/);
        expect(typeof entry.activity).toBe('string');
      }
    }
    expect(res.body.schedule.monday).toEqual([{ time: '19:00', activity: 'Swim' }]);
  });

  it('#5 weekly targets with a bare fetch (no token, no content type)', async () => {
    const res = await api().get('/api/weekly-targets').expect(200).expect(doc.check);
    expect(Array.isArray(res.body)).toBe(true);
    const week = res.body.find(
      (w: { week_start_date: string }) => w.week_start_date === '2026-01-05',
    );
    expect(week.week_start_date).toMatch(DAY);
    expect(typeof week.weekly_targets.tss).toBe('number');
    expect(typeof week.weekly_targets.total_time.hours).toBe('number');
    expect(typeof week.weekly_targets.total_time.minutes).toBe('number');
    for (const discipline of ['swim', 'bike', 'run', 'strength']) {
      expect(typeof week.weekly_targets.by_discipline[discipline].hours).toBe('number');
      expect(typeof week.weekly_targets.by_discipline[discipline].minutes).toBe('number');
    }
  });

  const selectionPut = (id: unknown, body: object) =>
    api()
      .put(`/api/selections/${String(id)}`)
      .set('Authorization', auth)
      .send(body)
      .expect(doc.check);

  it('#9 selection toggle: PUT {isSelected:false} is 2xx', async () => {
    const res = await selectionPut(workouts[0].id, { isSelected: false });
    expect(res.status).toBe(200);
    expect(res.body.isSelected).toBe(false);
  });

  it('#10 drag and drop: one PUT {currentPlanDay, timeOfDay} is 2xx', async () => {
    const res = await selectionPut(workouts[0].id, {
      currentPlanDay: '2026-01-07',
      timeOfDay: 'morning',
    });
    expect(res.status).toBe(200);
    const one = await api()
      .get(`/api/workouts/${String(workouts[0].id)}`)
      .set('Authorization', auth)
      .expect(doc.check);
    expect(one.body.originallyPlannedDay).toBe('2026-01-05');
    expect(one.body.selection).toMatchObject({
      currentPlanDay: '2026-01-07',
      timeOfDay: 'morning',
    });
  });

  it('#11 location: PUT {workoutLocation} is 2xx', async () => {
    const res = await selectionPut(workouts[1].id, { workoutLocation: 'indoor' });
    expect(res.status).toBe(200);
  });

  it('#12 TSS edit: PUT /api/workouts/:id {tss} returns tss', async () => {
    const res = await api()
      .put(`/api/workouts/${String(workouts[1].id)}`)
      .set('Authorization', auth)
      .send({ tss: 150 })
      .expect(200)
      .expect(doc.check);
    expect(res.body.tss).toBe(150);
    const cleared = await api()
      .put(`/api/workouts/${String(workouts[1].id)}`)
      .set('Authorization', auth)
      .send({ tss: null })
      .expect(200)
      .expect(doc.check);
    expect(cleared.body.tss).toBeNull();
  });

  it('#13 custom workout: POST /api/workouts is 201 with the fields the modal reads', async () => {
    const res = await api()
      .post('/api/workouts')
      .set('Authorization', auth)
      .send({
        title: 'Strength A',
        workoutType: 'Strength',
        workoutDescription: '',
        originallyPlannedDay: '2026-01-08',
        plannedDuration: 0.75,
        plannedDistanceInMeters: null,
        tss: 30,
        timeOfDay: 'evening',
        workoutLocation: 'indoor',
        isCustom: true,
      })
      .expect(201)
      .expect(doc.check);
    expectFrontendWorkout(res.body);
    expect(res.body).toMatchObject({
      title: 'Strength A',
      workoutType: 'Strength',
      workoutDescription: '',
      plannedDuration: 0.75,
      plannedDistanceInMeters: null,
      tss: 30,
      originallyPlannedDay: '2026-01-08',
      selection: { currentPlanDay: null, timeOfDay: 'evening', workoutLocation: 'indoor' },
    });
  });

  it('#14 import: multipart file, message then a list reload', async () => {
    const csv =
      'Title,WorkoutType,WorkoutDay\r\nTempo run,Run,2026-01-09\r\nSwim drills,Swim,2026-01-05\r\n';
    const res = await api()
      .post('/api/workouts/import')
      .set('Authorization', auth)
      .attach('file', Buffer.from(csv), 'export.csv')
      .expect(201)
      .expect(doc.check);
    expect(typeof res.body.message).toBe('string');
    expect(res.body.imported).toBe(1);
    const list = await api()
      .get('/api/workouts')
      .set('Authorization', auth)
      .expect(200)
      .expect(doc.check);
    // The two planned, one new; "Swim drills" on 2026-01-05 is there already.
    expect(list.body.workouts).toHaveLength(3);
    list.body.workouts.forEach(expectFrontendWorkout);
    const days = list.body.workouts.map(
      (w: { originallyPlannedDay: string }) => w.originallyPlannedDay,
    );
    expect(days).toEqual([...days].sort());
  });
});
