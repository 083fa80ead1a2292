import { Client } from 'pg';

/**
 * PostgreSQL specs run when TEST_POSTGRES_URL is set (a URL allowed to create databases). Then
 * an unreachable server fails the run; unset, one line says the PostgreSQL specs were skipped.
 */
export default async function globalSetup(): Promise<void> {
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
