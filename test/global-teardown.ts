import { removeLeftovers } from './support/test-database';

/**
 * Drops what this run created and did not remove (a spec that failed before its own clean-up),
 * and what crashed runs left; another run going on at the same time is left alone.
 */
export default async function globalTeardown(): Promise<void> {
  const run = process.env.WP_TEST_RUN;
  if (!run) return;
  const { databases } = await removeLeftovers(run);
  if (databases.length > 0) {
    console.log(
      `\nRemoved ${databases.length} test database(s) left behind: ${databases.join(', ')}`,
    );
  }
}
