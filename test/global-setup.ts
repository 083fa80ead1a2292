import { Client } from 'pg';
import { onCi } from './support/ci';
import { pgbouncerSkipped } from './support/pgbouncer';
import { radicaleSkipped } from './support/radicale';
import { ENGINES, newRunId, removeLeftovers, sqliteOnly } from './support/test-database';

/**
 * PostgreSQL specs run when TEST_POSTGRES_URL is set (a URL allowed to create databases). Then
 * an unreachable server fails the run; unset, one line says the PostgreSQL specs were skipped,
 * except on CI, where that fails the run: a CI run must cover both engines. Only an explicit
 * TEST_ENGINES=sqlite runs the SQLite half alone under CI (.ci/run does, on its second Node).
 * Also names the run (what it creates carries the name, see test-database.ts) and removes what
 * crashed runs left.
 */
export default async function globalSetup(): Promise<void> {
  process.env.WP_TEST_RUN = newRunId();
  if (radicaleSkipped()) {
    console.log('\nCalendar specs skipped: Radicale is not installed (apt-get install radicale).');
  }
  if (ENGINES.includes('postgres') && pgbouncerSkipped()) {
    console.log(
      '\nPgBouncer specs skipped: pgbouncer is not installed (apt-get install pgbouncer).',
    );
  }
  const url = process.env.TEST_POSTGRES_URL;
  const engines = process.env.TEST_ENGINES;
  if (engines !== undefined && !sqliteOnly()) {
    throw new Error(`TEST_ENGINES=${engines}: the only value it takes is "sqlite".`);
  }
  if (sqliteOnly()) {
    console.log('\nPostgreSQL specs skipped: TEST_ENGINES=sqlite.');
  } else if (!url) {
    if (onCi()) {
      throw new Error(
        'CI is set but TEST_POSTGRES_URL is not: a CI run must cover PostgreSQL too ' +
          '(set TEST_POSTGRES_URL to a URL allowed to create databases).',
      );
    }
    console.log('\nPostgreSQL specs skipped: TEST_POSTGRES_URL is not set.');
  } else {
    const client = new Client({ connectionString: url, connectionTimeoutMillis: 5000 });
    try {
      await client.connect();
      await client.query('SELECT 1');
    } catch (error) {
      throw new Error(`TEST_POSTGRES_URL is set but PostgreSQL is unreachable: ${String(error)}`);
    } finally {
      await client.end().catch(() => undefined);
    }
  }
  await removeLeftovers(process.env.WP_TEST_RUN);
}
