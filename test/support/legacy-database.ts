import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { DataSource, MigrationInterface } from 'typeorm';
import { parseDatabaseUrl } from '../../src/config/database-url';
import { buildDataSourceOptions } from '../../src/database/data-source.options';
import { AtomicMigrationsDataSource } from '../../src/database/run-migrations';
import { MERGED_COLUMNS } from '../../src/selections/dedupe/selection-dedupe';
import { childEnv } from './server-process';
import type { Selection } from './sql';
import { createTestDatabase, Engine, TestDatabase } from './test-database';

/** Databases the previous (Flask) backend left behind (copied from shared/fixtures); tests use copies. */
export const FIXTURES = resolve(__dirname, '../fixtures');
const SQLITE_FIXTURE = join(FIXTURES, 'legacy-flask.sqlite');
const POSTGRES_FIXTURE = join(FIXTURES, 'legacy-flask.pg.sql');
const SQLITE_LEGACY_SCHEMA = join(FIXTURES, 'legacy-schema.sqlite.sql');

// The previous backend's PostgreSQL schema at Alembic c1ce1892f74b (before its unique
// constraint): no users table, as in databases made by its migrations alone.
const POSTGRES_LEGACY_SCHEMA = `
  CREATE TABLE alembic_version (version_num varchar(32) NOT NULL,
    CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num));
  CREATE TABLE workouts (id SERIAL PRIMARY KEY, title varchar(500) NOT NULL,
    workout_type varchar(100) NOT NULL, workout_description text, planned_duration double precision,
    planned_distance_meters double precision, originally_planned_day date NOT NULL,
    coach_comments text, tss double precision, intensity_factor double precision,
    created_at timestamp without time zone, is_custom boolean DEFAULT false NOT NULL);
  CREATE TABLE workout_selections (id SERIAL PRIMARY KEY,
    workout_id integer NOT NULL REFERENCES workouts (id), is_selected boolean,
    current_plan_day date, time_of_day varchar(50), user_notes text,
    updated_at timestamp without time zone, workout_location varchar(100));
  INSERT INTO alembic_version VALUES ('c1ce1892f74b');`;

/** A copy of the legacy fixture: a SQLite file, or a fresh PostgreSQL database loaded from the dump. */
export async function createLegacyCopy(engine: Engine): Promise<TestDatabase> {
  const db = await createTestDatabase(engine);
  if (engine === 'sqlite') {
    copyFileSync(SQLITE_FIXTURE, db.path as string);
    chmodSync(db.path as string, 0o644);
    return withBackupsDropped(db);
  }
  // The dump starts with \restrict, which only psql understands.
  const load = spawnSync(
    'psql',
    ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', db.url, '-f', POSTGRES_FIXTURE],
    { encoding: 'utf8', env: childEnv() },
  );
  if (load.status !== 0) {
    await db.drop();
    throw new Error(`psql could not load the fixture: ${load.error?.message ?? load.stderr}`);
  }
  return db;
}

/** An empty legacy schema (no unique index), for hand-built rows. */
export async function createLegacySchema(engine: Engine): Promise<TestDatabase> {
  const db = await createTestDatabase(engine);
  if (engine === 'sqlite') {
    const sqlite = new Database(db.path);
    sqlite.exec(readFileSync(SQLITE_LEGACY_SCHEMA, 'utf8'));
    sqlite.exec(`INSERT INTO alembic_version VALUES ('c1ce1892f74b')`);
    sqlite.close();
    return withBackupsDropped(db);
  }
  const ds = await openDataSource(db);
  try {
    for (const statement of POSTGRES_LEGACY_SCHEMA.split(';').filter((s) => s.trim())) {
      await ds.query(statement);
    }
  } finally {
    await ds.destroy();
  }
  return db;
}

/** SQLite: `drop()` also removes the backups `npm run dedupe -- --backup` wrote beside the file. */
function withBackupsDropped(db: TestDatabase): TestDatabase {
  const path = db.path as string;
  const drop = db.drop;
  return {
    ...db,
    drop: async () => {
      for (const file of readdirSync(dirname(path))) {
        if (file.startsWith(`${basename(path)}.bak-`)) rmSync(join(dirname(path), file));
      }
      await drop();
    },
  };
}

/** A DataSource with the app's options (the CLI's class), with the given migrations. */
export async function openDataSource(
  db: TestDatabase,
  migrations?: (new () => MigrationInterface)[],
): Promise<AtomicMigrationsDataSource> {
  const options = buildDataSourceOptions(parseDatabaseUrl(db.url));
  const ds = new AtomicMigrationsDataSource(migrations ? { ...options, migrations } : options);
  return ds.initialize();
}

export function sha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** Every row of a table as exact text, in id order. */
export async function tableRows(ds: DataSource, table: string): Promise<unknown[]> {
  return ds.options.type === 'postgres'
    ? ds.query(`SELECT CAST(t AS TEXT) AS row FROM "${table}" t ORDER BY t.id`)
    : ds.query(`SELECT * FROM "${table}" ORDER BY id`);
}

/** Schema objects and every row of every table: equal snapshots mean an untouched database. */
export async function snapshot(ds: DataSource): Promise<Record<string, unknown>> {
  if (ds.options.type !== 'postgres') {
    const objects = await ds.query<{ name: string; type: string }[]>(
      `SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name`,
    );
    const result: Record<string, unknown> = { objects };
    for (const { name, type } of objects) {
      if (type === 'table') result[name] = await ds.query(`SELECT * FROM "${name}" ORDER BY rowid`);
    }
    return result;
  }
  const tables = await ds.query<{ name: string }[]>(
    `SELECT table_name AS name FROM information_schema.tables
     WHERE table_schema = 'public' ORDER BY 1`,
  );
  const result: Record<string, unknown> = {
    tables,
    indexes: await ds.query(
      `SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY 2`,
    ),
    constraints: await ds.query(
      `SELECT conname, pg_get_constraintdef(oid) AS def FROM pg_constraint
       WHERE connamespace = 'public'::regnamespace ORDER BY 1`,
    ),
    sequences: await ds.query(
      `SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public' ORDER BY 1`,
    ),
  };
  for (const { name } of tables) {
    result[name] = await ds.query(`SELECT CAST(t AS TEXT) AS row FROM "${name}" t ORDER BY 1`);
  }
  return result;
}

/** `YYYY-MM-DD hh:mm:ss[.f]` with the fraction padded to microseconds, so text order is time order. */
const timeKey = (value: string) => {
  const [whole, fraction = ''] = value.split('.');
  return `${whole}.${fraction.padEnd(6, '0')}`;
};

/**
 * The merge rule of issue 3, written again here on purpose (not the SQL under test): newest
 * `updated_at` first, NULL oldest, equal times by highest id; the kept row's NULLs come from the
 * most recent other row that has a value.
 */
export function applyRuleInMemory(rows: Selection[]): Selection[] {
  const groups = new Map<number, Selection[]>();
  for (const row of rows) groups.set(row.workout_id, [...(groups.get(row.workout_id) ?? []), row]);
  const result: Selection[] = [];
  for (const group of groups.values()) {
    const newestFirst = [...group].sort((a, b) => {
      if (a.updated_at === null || b.updated_at === null) {
        if (a.updated_at !== b.updated_at) return a.updated_at === null ? 1 : -1;
      } else if (a.updated_at !== b.updated_at) {
        return timeKey(a.updated_at) < timeKey(b.updated_at) ? 1 : -1;
      }
      return b.id - a.id;
    });
    const kept = { ...newestFirst[0] };
    for (const column of MERGED_COLUMNS) {
      if (kept[column] !== null) continue;
      const donor = newestFirst.slice(1).find((row) => row[column] !== null);
      if (donor) (kept as Record<string, unknown>)[column] = donor[column];
    }
    result.push(kept);
  }
  return result.sort((a, b) => a.id - b.id);
}

/** Workouts with more than one row, and the rows beyond the first. */
export function duplicateTotals(rows: Selection[]): { workouts: number; rowsDeleted: number } {
  const perWorkout = new Map<number, number>();
  for (const row of rows) perWorkout.set(row.workout_id, (perWorkout.get(row.workout_id) ?? 0) + 1);
  const counts = [...perWorkout.values()].filter((n) => n > 1);
  return { workouts: counts.length, rowsDeleted: counts.reduce((sum, n) => sum + n - 1, 0) };
}
