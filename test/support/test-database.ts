import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';

export type Engine = 'sqlite' | 'postgres';

/** The engines this run covers: SQLite always, PostgreSQL when TEST_POSTGRES_URL is set. */
export const ENGINES: Engine[] = process.env.TEST_POSTGRES_URL
  ? ['sqlite', 'postgres']
  : ['sqlite'];

export interface TestDatabase {
  engine: Engine;
  url: string;
  /** SQLite only: the file. */
  path?: string;
  /** PostgreSQL only: the database name. */
  name?: string;
  drop(): Promise<void>;
}

export const TEST_TMP = join(tmpdir(), 'workout-planner-tests');

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
  const name = `wp_test_${suffix}`;
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
