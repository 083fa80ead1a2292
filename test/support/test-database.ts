import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';

export type Engine = 'sqlite' | 'postgres';

/**
 * TEST_ENGINES=sqlite: a run that leaves PostgreSQL out on purpose (CI's second Node), the only
 * way under CI (see global-setup.ts). Any other value is refused there.
 */
export const sqliteOnly = (): boolean => process.env.TEST_ENGINES === 'sqlite';

/** The engines this run covers: SQLite always, PostgreSQL when TEST_POSTGRES_URL is set. */
export const ENGINES: Engine[] =
  process.env.TEST_POSTGRES_URL && !sqliteOnly() ? ['sqlite', 'postgres'] : ['sqlite'];

export interface TestDatabase {
  engine: Engine;
  url: string;
  /** SQLite only: the file. */
  path?: string;
  /** PostgreSQL only: the database name. */
  name?: string;
  drop(): Promise<void>;
}

/**
 * What a test run creates carries its id: `<pid of the Jest process>_<start time>`, set by
 * test/global-setup.ts (a spec run some other way gets one of its own). Another run on the same
 * machine, and its databases, are then never touched by this one's cleanup.
 */
export const TEST_RUN = (process.env.WP_TEST_RUN ??= newRunId());

export function newRunId(): string {
  return `${process.pid}_${Date.now().toString(36)}`;
}

const TEST_ROOT = join(tmpdir(), 'workout-planner-tests');
const DATABASE_PREFIX = 'wp_test_';

/** This run's folder for SQLite files and other scratch files. */
export const TEST_TMP = join(TEST_ROOT, TEST_RUN);

async function admin<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: process.env.TEST_POSTGRES_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export function postgresUrlFor(name: string): string {
  const url = new URL(process.env.TEST_POSTGRES_URL as string);
  url.pathname = `/${name}`;
  return url.toString();
}

/** A fresh, empty database of its own: a new SQLite file, or a new PostgreSQL database. */
export async function createTestDatabase(engine: Engine): Promise<TestDatabase> {
  const suffix = randomBytes(6).toString('hex');
  if (engine === 'sqlite') {
    mkdirSync(TEST_TMP, { recursive: true });
    const path = join(TEST_TMP, `test-${suffix}.sqlite`);
    return {
      engine,
      path,
      url: `sqlite:${path}`,
      drop: () => {
        for (const file of [path, `${path}-wal`, `${path}-shm`]) rmSync(file, { force: true });
        return Promise.resolve();
      },
    };
  }
  const name = `${DATABASE_PREFIX}${TEST_RUN}_${suffix}`;
  await admin((client) => client.query(`CREATE DATABASE "${name}"`));
  return {
    engine,
    name,
    url: postgresUrlFor(name),
    drop: () =>
      admin((client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(
        () => undefined,
      ),
  };
}

/** Whether the run's Jest process is still there (the pid leads its id). */
function isAlive(run: string): boolean {
  const pid = Number(run.split('_')[0]);
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Drops what the given run left (its PostgreSQL databases and its scratch folder), and what
 * runs whose process is gone left behind (a crash, ^C): never another live run's.
 */
export async function removeLeftovers(run: string): Promise<{ databases: string[] }> {
  const doomed = (id: string) => id === run || !isAlive(id);
  const databases: string[] = [];
  for (const dir of safeReaddir(TEST_ROOT)) {
    if (/^\d+_[0-9a-z]+$/.test(dir) && doomed(dir)) {
      rmSync(join(TEST_ROOT, dir), { recursive: true, force: true });
    }
  }
  if (process.env.TEST_POSTGRES_URL) {
    await admin(async (client) => {
      const { rows } = await client.query<{ datname: string }>(
        `SELECT datname FROM pg_database WHERE datname LIKE $1`,
        [`${DATABASE_PREFIX}%`],
      );
      for (const { datname } of rows) {
        const id = /^wp_test_(\d+_[0-9a-z]+)_[0-9a-f]{12}$/.exec(datname)?.[1];
        if (id === undefined || !doomed(id)) continue;
        await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
        databases.push(datname);
      }
    });
  }
  return { databases };
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
