import { ENGINES } from './support/test-database';
import { startTestApp, TestApp } from './support/test-app';
import { clearWorkouts } from './support/seed';

const HEADER =
  'Title,WorkoutType,WorkoutDescription,PlannedDuration,PlannedDistanceInMeters,WorkoutDay,CoachComments,IF,TSS,TimeTotalInHours,DistanceInMeters';

const csv = (...rows: string[]) => [HEADER, ...rows].join('\n') + '\n';

describe.each(ENGINES)('workout import on %s', (engine) => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp(engine);
  });
  afterAll(() => t.close());
  beforeEach(async () => {
    await clearWorkouts(t);
  });

  const postCsv = (text: string) =>
    t.http.post('/api/workouts/import').set('Content-Type', 'text/csv').send(text);
  const postFile = (text: string | Buffer, name = 'plan.csv') =>
    t.http.post('/api/workouts/import').attach('file', Buffer.from(text), name);
  const titles = async () =>
    (await t.sql<{ title: string }>('SELECT title FROM workouts ORDER BY id')).map((r) => r.title);

  it('imports a raw text/csv body and a multipart file with 201 and the same result', async () => {
    const data = csv(
      'Swim,Swim,Drills,1,2000,2026-01-05,Easy,,,,',
      'Run,Run,,0.75,,2026-01-06,,,,,',
    );
    const raw = await postCsv(data).expect(201);
    expect(raw.body).toEqual({
      message: 'Successfully imported 2 workouts',
      imported: 2,
      skipped: [],
    });
    await t.sql('DELETE FROM workouts');
    const file = await postFile(data).expect(201);
    expect(file.body).toEqual(raw.body);

    const list = await t.http.get('/api/workouts').expect(200);
    expect(list.body.workouts[0]).toMatchObject({
      title: 'Swim',
      workoutType: 'Swim',
      workoutDescription: 'Drills',
      plannedDuration: 1,
      plannedDistanceInMeters: 2000,
      originallyPlannedDay: '2026-01-05',
      coachComments: 'Easy',
      tss: null,
      isCustom: false,
      selection: null,
    });
    expect(list.body.workouts[1]).toMatchObject({ workoutType: 'Run', coachComments: null });
  });

  it('strips a BOM and reads CRLF, quoted commas, quotes and newlines', async () => {
    const text =
      `\uFEFF${HEADER}\r\n` +
      `"Bike, long","Bike","Z2\r\nthen ""fast""",3,,2026-01-10,"Fuel, drink",,,,\r\n` +
      `Run,,,,,2026-01-11,,,,,\r\n`;
    const res = await postFile(text).expect(201);
    expect(res.body.imported).toBe(2);
    const list = (await t.http.get('/api/workouts')).body.workouts;
    expect(list[0]).toMatchObject({
      title: 'Bike, long',
      workoutDescription: 'Z2\r\nthen "fast"',
      coachComments: 'Fuel, drink',
    });
    expect(list[1]).toMatchObject({ title: 'Run', workoutType: 'Other' });
  });

  it('skips and reports a bad date row and a bad number row, importing the rest', async () => {
    const res = await postCsv(
      csv(
        'A,Run,,,,2026-02-30,,,,,',
        'B,Run,,abc,,2026-01-05,,,,,',
        'C,Run,,,,2026-01-05,,,,,',
        'D,Run,,,,not-a-date,,,,,',
      ),
    ).expect(201);
    expect(res.body).toEqual({
      message: 'Successfully imported 1 workouts (3 rows skipped)',
      imported: 1,
      skipped: [
        { row: 2, reason: expect.stringContaining('WorkoutDay') },
        { row: 3, reason: 'PlannedDuration is not a number: "abc"' },
        { row: 5, reason: expect.stringContaining('WorkoutDay') },
      ],
    });
    expect(await titles()).toEqual(['C']);
  });

  it('skips duplicates of the database and within the file (same title and day)', async () => {
    await postCsv(csv('Swim,Swim,,,,2026-01-05,,,,,')).expect(201);
    const res = await postCsv(
      csv(
        'Swim,Bike,,,,2026-01-05,,,,,', // same title and day as the database row
        'Swim,Swim,,,,2026-01-06,,,,,', // another day: new
        'Run,Run,,,,2026-01-05,,,,,',
        'Run,Run,,,,2026-01-05,,,,,', // same as the row above
      ),
    ).expect(201);
    expect(res.body.imported).toBe(2);
    expect(res.body.skipped.map((s: { row: number }) => s.row)).toEqual([2, 5]);
    expect(await titles()).toEqual(['Swim', 'Swim', 'Run']);
    const again = await postCsv(csv('Swim,Swim,,,,2026-01-05,,,,,')).expect(201);
    expect(again.body.imported).toBe(0);
  });

  it('computes TSS from IF and hours only when TSS is empty', async () => {
    await postCsv(
      csv(
        'Computed,Bike,,,,2026-01-05,,0.8,,1.0,',
        'Given,Bike,,,,2026-01-05,,0.8,55,1.0,',
        'Zero,Bike,,,,2026-01-05,,0.8,0,1.0,',
        'NoHours,Bike,,,,2026-01-05,,0.8,,,',
      ),
    ).expect(201);
    const rows = await t.sql<{ title: string; tss: number | null; intensity_factor: number }>(
      'SELECT title, tss, intensity_factor FROM workouts ORDER BY id',
    );
    expect(rows[0].tss).toBeCloseTo(64);
    expect(rows.slice(1).map((r) => [r.title, r.tss])).toEqual([
      ['Given', 55],
      ['Zero', 0],
      ['NoHours', null],
    ]);
    expect(rows[0].intensity_factor).toBeCloseTo(0.8);
  });

  it('answers 400 for empty data and an unparseable CSV, 413 above 10 MiB', async () => {
    expect((await postCsv('').expect(400)).body).toEqual({ error: 'No CSV data provided' });
    expect((await postFile('\uFEFF  \n').expect(400)).body).toEqual({
      error: 'No CSV data provided',
    });
    await t.http.post('/api/workouts/import').field('other', 'x').expect(400);
    const broken = await postCsv(`${HEADER}\n"unclosed,Run`).expect(400);
    expect(broken.body.error).toMatch(/^CSV is not valid/);

    const big = csv('x'.repeat(10 * 1024 * 1024));
    const file = await postFile(big).expect(413);
    expect(file.body).toEqual({ error: 'CSV file is larger than 10 MiB' });
    const raw = await postCsv(big).expect(413);
    expect(raw.body).toEqual({ error: 'Request body is too large' });
    expect(await titles()).toEqual([]);
  });

  it('imports 2,000 rows in one request, and a failure mid-way leaves nothing', async () => {
    const rows = Array.from({ length: 2000 }, (_, i) => {
      const day = new Date(Date.UTC(2026, 0, 1) + (i % 300) * 86_400_000)
        .toISOString()
        .slice(0, 10);
      return `"Workout ${i}",Run,"Row ${i}, with comma",1,5000,${day},,0.7,,1.5,`;
    });
    const res = await postFile(csv(...rows)).expect(201);
    expect(res.body.imported).toBe(2000);
    const [{ n }] = await t.sql<{ n: number }>('SELECT COUNT(*) AS n FROM workouts');
    expect(Number(n)).toBe(2000);

    // A database failure on row 1,900 (after three 500-row INSERTs ran) must undo them all.
    await t.sql('DELETE FROM workouts');
    if (engine === 'sqlite') {
      await t.sql(
        "CREATE TRIGGER fail_import BEFORE INSERT ON workouts WHEN NEW.title = 'Workout 1900' " +
          "BEGIN SELECT RAISE(ABORT, 'injected failure'); END",
      );
    } else {
      await t.sql(
        'CREATE FUNCTION fail_import() RETURNS trigger AS $$ BEGIN ' +
          "IF NEW.title = 'Workout 1900' THEN RAISE EXCEPTION 'injected failure'; END IF; " +
          'RETURN NEW; END $$ LANGUAGE plpgsql',
      );
      await t.sql(
        'CREATE TRIGGER fail_import BEFORE INSERT ON workouts FOR EACH ROW EXECUTE FUNCTION fail_import()',
      );
    }
    try {
      const failed = await postFile(csv(...rows)).expect(500);
      expect(failed.body).toEqual({
        error: 'Internal server error',
        requestId: expect.any(String),
      });
      const [{ n: left }] = await t.sql<{ n: number }>('SELECT COUNT(*) AS n FROM workouts');
      expect(Number(left)).toBe(0);
    } finally {
      await t.sql(
        engine === 'sqlite' ? 'DROP TRIGGER fail_import' : 'DROP TRIGGER fail_import ON workouts',
      );
      if (engine === 'postgres') await t.sql('DROP FUNCTION fail_import()');
    }
  });
});
