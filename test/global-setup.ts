import { Client } from 'pg';
import { radicaleSkipped } from './support/radicale';

/**
 * PostgreSQL specs run when TEST_POSTGRES_URL is set (a URL allowed to create databases). Then
 * an unreachable server fails the run; unset, one line says the PostgreSQL specs were skipped.
 */
export default async function globalSetup(): Promise<void> {
  if (radicaleSkipped()) {
    console.log('\nCalendar specs skipped: Radicale is not installed (apt-get install radicale).');
  }
  const url = process.env.TEST_POSTGRES_URL;
  if (!url) {
    console.log('\nPostgreSQL specs skipped: TEST_POSTGRES_URL is not set.');
    return;
  }
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
