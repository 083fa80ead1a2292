import { spawnSync, SpawnSyncReturns } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { QueryRunner } from 'typeorm';
import { MIGRATIONS } from '../migrations';
import { Baseline1795800000000 } from '../migrations/1795800000000-Baseline';
import { DedupeWorkoutSelections1795800000001 } from '../migrations/1795800000001-DedupeWorkoutSelections';
import { UniqueWorkoutSelection1795800000002 } from '../migrations/1795800000002-UniqueWorkoutSelection';
import {
  applyRuleInMemory,
  createLegacyCopy,
  duplicateTotals,
  openDataSource,
  sha256,
  snapshot,
  tableRows,
} from './support/legacy-database';
import { readSelections, Selection, sql } from './support/sql';
import { startTestApp } from './support/test-app';
import { ENGINES } from './support/test-database';
import type { TestDatabase } from './support/test-database';
import { childEnv } from './support/server-process';

const ROOT = resolve(__dirname, '..');
// These tests spawn the CLIs (1-4 s each); a project-level testTimeout is ignored by Jest.
jest.setTimeout(60_000);

describe.each(ENGINES)('migrations on a copy of the legacy Flask database (%s)', (engine) => {
  let db: TestDatabase;
  let before: { workouts: unknown[]; users: unknown[]; selections: Selection[] };
  /** `npm run migration:run` on the copy, once for all (each test passes alone). */
  let migration: SpawnSyncReturns<string>;

  beforeAll(async () => {
    db = await createLegacyCopy(engine);
    const ds = await openDataSource(db);
    before = {
      workouts: await tableRows(ds, 'workouts'),
      users: await tableRows(ds, 'users'),
      selections: await readSelections(ds),
    };
    await ds.destroy();
    migration = spawnSync('npm', ['run', '-s', 'migration:run'], {
      cwd: ROOT,
      env: childEnv({ DATABASE_URL: db.url, TS_NODE_TRANSPILE_ONLY: '1' }),
      encoding: 'utf8',
    });
  });
  afterAll(() => db.drop());

  it('the fixture has the duplicates the issue describes', () => {
    const totals = duplicateTotals(before.selections);
    expect(totals.workouts).toBeGreaterThan(100);
    expect(before.workouts.length).toBe(260);
  });

  it('npm run migration:run applies baseline, dedupe and unique index, and logs the totals', () => {
    const run = migration;
    expect(run.stderr).not.toMatch(/Error/);
    expect(run.status).toBe(0);
    const { workouts, rowsDeleted } = duplicateTotals(before.selections);
    expect(run.stdout).toContain(
      `${workouts} workouts had duplicates; ${rowsDeleted} rows removed`,
    );
    for (const name of ['Baseline', 'DedupeWorkoutSelections', 'UniqueWorkoutSelection']) {
      expect(run.stdout).toMatch(new RegExp(`Migration ${name}\\d+ has been executed`));
    }
  });

  it('leaves every workout and user unchanged and one merged row per workout, as the rule says', async () => {
    expect(migration.status).toBe(0);
    const ds = await openDataSource(db);
    try {
      expect(await tableRows(ds, 'workouts')).toEqual(before.workouts);
      expect(await tableRows(ds, 'users')).toEqual(before.users);
      const after = await readSelections(ds);
      expect(after).toHaveLength(new Set(before.selections.map((s) => s.workout_id)).size);
      expect(after).toEqual(applyRuleInMemory(before.selections));
    } finally {
      await ds.destroy();
    }
  });

  it('the unique index rejects a second row for a workout', async () => {
    const ds = await openDataSource(db);
    try {
      const [{ workout_id }] = await sql<{ workout_id: number }>(
        ds,
        'SELECT workout_id FROM workout_selections ORDER BY id LIMIT 1',
      );
      await expect(
        sql(ds, 'INSERT INTO workout_selections (workout_id, is_selected) VALUES (?, ?)', [
          workout_id,
          true,
        ]),
      ).rejects.toThrow(/unique/i);
    } finally {
      await ds.destroy();
    }
  });

  it('a second run is a no-op', async () => {
    const ds = await openDataSource(db);
    try {
      const state = await snapshot(ds);
      expect(await ds.runMigrations()).toEqual([]);
      expect(await snapshot(ds)).toEqual(state);
    } finally {
      await ds.destroy();
    }
  });

  it('reverting the unique-index migration drops only the index', async () => {
    const ds = await openDataSource(db);
    try {
      // Later migrations come off first, so the last one executed is B.
      const later = MIGRATIONS.slice(MIGRATIONS.indexOf(UniqueWorkoutSelection1795800000002) + 1);
      for (let i = 0; i < later.length; i++) await ds.undoLastMigration({ transaction: 'all' });
      const { objects, indexes, migrations, ...state } = await snapshot(ds);
      await ds.undoLastMigration({ transaction: 'all' });
      const reverted = await snapshot(ds);
      const withoutIndex = (list: unknown) =>
        (list as { name?: string; indexname?: string }[]).filter(
          (o) => (o.name ?? o.indexname) !== 'uq_workout_selections_workout_id',
        );
      if (engine === 'sqlite') expect(reverted.objects).toEqual(withoutIndex(objects));
      else expect(reverted.indexes).toEqual(withoutIndex(indexes));
      expect((reverted.migrations as unknown[]).length).toBe((migrations as unknown[]).length - 1);
      expect(reverted).toMatchObject(state);
      // And back, so the index is what a later run recreates.
      expect((await ds.runMigrations()).map((m) => m.name)).toEqual([
        'UniqueWorkoutSelection1795800000002',
        ...later.map((migration) => migration.name),
      ]);
    } finally {
      await ds.destroy();
    }
  });
});

/** Migration B with a fault after its index exists: the whole run must roll back. */
class FailingUniqueWorkoutSelection extends UniqueWorkoutSelection1795800000002 {
  override async up(queryRunner: QueryRunner): Promise<void> {
    await super.up(queryRunner);
    throw new Error('injected fault after CREATE UNIQUE INDEX');
  }
}

describe.each(ENGINES)('a migration run that fails midway (%s)', (engine) => {
  let db: TestDatabase;

  beforeEach(async () => {
    db = await createLegacyCopy(engine);
  });
  afterEach(() => db.drop());

  it('leaves the legacy database exactly as it was', async () => {
    const path = db.path as string;
    const fileBefore = engine === 'sqlite' ? sha256(path) : undefined;
    const clean = await openDataSource(db);
    const state = await snapshot(clean);
    await clean.destroy();

    // The app's own connection options (data-source.options.ts) and migration path.
    const ds = await openDataSource(db, [
      Baseline1795800000000,
      DedupeWorkoutSelections1795800000001,
      FailingUniqueWorkoutSelection,
    ]);
    try {
      await expect(ds.runMigrations()).rejects.toThrow('injected fault');
    } finally {
      await ds.destroy();
    }

    if (engine === 'sqlite') {
      expect(sha256(path)).toBe(fileBefore);
      for (const suffix of ['-journal', '-wal']) expect(existsSync(path + suffix)).toBe(false);
    }
    const after = await openDataSource(db);
    try {
      expect(await snapshot(after)).toEqual(state);
      // The real migrations still apply afterwards.
      expect(await after.runMigrations()).toHaveLength(MIGRATIONS.length);
    } finally {
      await after.destroy();
    }
  });
});

describe.each(ENGINES)('the app started on a legacy Flask database (%s)', (engine) => {
  it('applies the migrations at boot, serves the data, and turns on WAL', async () => {
    const db = await createLegacyCopy(engine);
    try {
      const t = await startTestApp(engine, {}, db);
      try {
        const res = await t.http.get('/api/workouts').expect(200);
        expect(res.body.count).toBe(260);
        const [{ n }] = await t.sql<{ n: string | number }>(
          'SELECT COUNT(*) AS n FROM workout_selections',
        );
        const withSelection = res.body.workouts.filter((w: { selection: unknown }) => w.selection);
        expect(withSelection).toHaveLength(Number(n));
        if (engine === 'sqlite') {
          expect(await t.sql('PRAGMA journal_mode')).toEqual([{ journal_mode: 'wal' }]);
        }
      } finally {
        await t.close();
      }
    } finally {
      await db.drop();
    }
  });
});
