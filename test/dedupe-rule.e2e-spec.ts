import { MIGRATIONS } from '../migrations';
import { mergeDuplicateSelections } from '../src/selections/dedupe/selection-dedupe';
import { applyRuleInMemory, createLegacySchema, openDataSource } from './support/legacy-database';
import { readSelections, Selection, sql } from './support/sql';
import { ENGINES } from './support/test-database';
import type { TestDatabase } from './support/test-database';
import type { AtomicMigrationsDataSource } from '../src/database/run-migrations';

type Row = [
  id: number,
  updated_at: string | null,
  is_selected: boolean | null,
  current_plan_day: string | null,
  time_of_day: string | null,
  workout_location: string | null,
  user_notes: string | null,
];

const toSelection = (workout_id: number, row: Row): Selection => {
  const [id, updated_at, is_selected, current_plan_day, time_of_day, workout_location, user_notes] =
    row;
  return {
    id,
    workout_id,
    is_selected,
    current_plan_day,
    time_of_day,
    workout_location,
    user_notes,
    updated_at,
  };
};

// Timestamps with non-zero microseconds print the same on both engines.
const t = (day: number, micro = 123456) =>
  `2026-01-${String(day).padStart(2, '0')} 10:00:00.${micro}`;

/** Each case is one workout: the rows the previous backend left, and the one row that must remain. */
const CASES: { name: string; workoutId: number; rows: Row[]; kept: Row }[] = [
  {
    name: 'NULL updated_at counts as the oldest, even with the higher id',
    workoutId: 1,
    rows: [
      [11, t(1), true, null, null, null, null],
      [12, null, false, '2026-02-01', 'evening', null, 'undated note'],
    ],
    kept: [11, t(1), true, '2026-02-01', 'evening', null, 'undated note'],
  },
  {
    name: 'all updated_at NULL: the highest id is kept, values from the next highest first',
    workoutId: 2,
    rows: [
      [20, null, true, null, 'morning', 'indoor', null],
      [21, null, null, null, 'evening', null, null],
      [22, null, false, null, null, null, null],
    ],
    kept: [22, null, false, null, 'evening', 'indoor', null],
  },
  {
    name: 'equal timestamps: the highest id wins, and gives first among the others',
    workoutId: 3,
    rows: [
      [30, t(5, 500001), true, null, 'morning', 'outdoor', null],
      [31, t(5, 500001), true, null, 'afternoon', null, null],
      [32, t(5, 500001), null, null, null, null, 'kept'],
    ],
    kept: [32, t(5, 500001), true, null, 'afternoon', 'outdoor', 'kept'],
  },
  {
    name: 'a later timestamp beats a higher id; false in the kept row is a value',
    workoutId: 4,
    rows: [
      [40, t(7), false, null, null, null, null],
      [41, t(6), true, null, 'evening', null, null],
    ],
    kept: [40, t(7), false, null, 'evening', null, null],
  },
  {
    name: 'false in a newer row wins over true in an older one when the kept row has NULL',
    workoutId: 5,
    rows: [
      [50, t(1), true, null, null, null, null],
      [51, t(2), false, null, null, null, null],
      [52, t(3), null, null, 'morning', null, null],
    ],
    kept: [52, t(3), false, null, 'morning', null, null],
  },
  {
    name: 'five rows: each NULL is filled from the most recent row that has a value',
    workoutId: 6,
    rows: [
      [60, t(13), true, '2026-03-03', 'morning', 'indoor', 'third'],
      [61, t(15), null, null, 'evening', null, null],
      [62, t(11), false, '2026-03-01', 'afternoon', 'outdoor', 'first'],
      [63, t(14), null, '2026-03-04', null, null, null],
      [64, t(12), false, '2026-03-02', null, 'outdoor', null],
    ],
    kept: [61, t(15), true, '2026-03-04', 'evening', 'indoor', 'third'],
  },
  {
    name: 'the newest row is all NULLs: it stays, with every value from the older row',
    workoutId: 7,
    rows: [
      [70, t(20, 2), false, '2026-04-01', 'morning', 'indoor', 'old'],
      [71, t(21, 2), null, null, null, null, null],
    ],
    kept: [71, t(21, 2), false, '2026-04-01', 'morning', 'indoor', 'old'],
  },
  {
    name: 'a single row is left alone, NULLs and all',
    workoutId: 8,
    rows: [[80, t(2), null, null, null, null, null]],
    kept: [80, t(2), null, null, null, null, null],
  },
];

describe.each(ENGINES)(
  'the duplicate-selection rule on a hand-built legacy database (%s)',
  (engine) => {
    let db: TestDatabase;
    let ds: AtomicMigrationsDataSource;
    /** What the first pass (in beforeAll, so each test passes alone) reported. */
    let firstPass: { workouts: number; rowsDeleted: number };
    const inserted = CASES.flatMap((c) => c.rows.map((row) => toSelection(c.workoutId, row)));

    beforeAll(async () => {
      db = await createLegacySchema(engine);
      ds = await openDataSource(db);
      for (const id of [...CASES.map((c) => c.workoutId), 9]) {
        await sql(
          ds,
          `INSERT INTO workouts (id, title, workout_type, originally_planned_day, is_custom)
         VALUES (?, ?, 'Run', '2026-01-01', ?)`,
          [id, `workout ${id}`, false],
        );
      }
      for (const s of inserted) {
        await sql(
          ds,
          `INSERT INTO workout_selections (id, workout_id, is_selected, current_plan_day,
           time_of_day, workout_location, user_notes, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
          [
            s.id,
            s.workout_id,
            s.is_selected,
            s.current_plan_day,
            s.time_of_day,
            s.workout_location,
            s.user_notes,
            s.updated_at,
          ],
        );
      }
      expect(await readSelections(ds)).toEqual([...inserted].sort((a, b) => a.id - b.id));
      firstPass = await ds.transaction((manager) => mergeDuplicateSelections(manager));
    });
    afterAll(async () => {
      await ds?.destroy();
      await db?.drop();
    });

    it('merges, deletes the others and reports the totals', async () => {
      expect(firstPass).toEqual({ workouts: 7, rowsDeleted: 13 });
      expect(await readSelections(ds)).toHaveLength(inserted.length - 13);
    });

    it.each(CASES)('$name', async ({ workoutId, kept }) => {
      const rows = (await readSelections(ds)).filter((s) => s.workout_id === workoutId);
      expect(rows).toEqual([toSelection(workoutId, kept)]);
    });

    it("agrees with the test's in-memory version of the rule (used on the fixtures)", async () => {
      expect(applyRuleInMemory(inserted)).toEqual(await readSelections(ds));
    });

    it('a second pass finds nothing, and the migrations then apply with the unique index', async () => {
      const before = await readSelections(ds);
      expect(await ds.transaction((manager) => mergeDuplicateSelections(manager))).toEqual({
        workouts: 0,
        rowsDeleted: 0,
      });
      expect((await ds.runMigrations()).length).toBe(MIGRATIONS.length);
      expect(await readSelections(ds)).toEqual(before);
      expect(await sql(ds, 'SELECT * FROM users')).toEqual([]);
    });
  },
);
