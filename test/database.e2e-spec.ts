import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DataSource } from 'typeorm';
import { MIGRATIONS } from '../migrations';
import { parseDatabaseUrl } from '../src/config/database-url';
import { buildDataSourceOptions } from '../src/database/data-source.options';
import { runMigrationsAtomically } from '../src/database/run-migrations';
import { ApiDocument } from './support/openapi';
import { server, startTestApp } from './support/test-app';
import { createTestDatabase, ENGINES, TestDatabase } from './support/test-database';
import { childEnv } from './support/server-process';

const ROOT = join(__dirname, '..');

describe.each(ENGINES)('database lifecycle on %s', (engine) => {
  let db: TestDatabase;
  beforeEach(async () => {
    db = await createTestDatabase(engine);
  });
  afterEach(() => db.drop());

  const open = () => new DataSource(buildDataSourceOptions(parseDatabaseUrl(db.url))).initialize();

  it('entities and migrations agree: migration:generate would find nothing', async () => {
    const ds = await open();
    try {
      expect((await runMigrationsAtomically(ds)).map((m) => m.name)).toEqual(
        MIGRATIONS.map((migration) => migration.name),
      );
      const pending = await ds.driver.createSchemaBuilder().log();
      expect(pending.upQueries.map((query) => query.query)).toEqual([]);
      expect(await runMigrationsAtomically(ds)).toEqual([]);
    } finally {
      await ds.destroy();
    }
  });

  it('with MIGRATIONS_RUN=false the server refuses a database with pending migrations', async () => {
    const result = await promisify(execFile)(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', join('src', 'main.ts')],
      {
        cwd: ROOT,
        env: childEnv({ DATABASE_URL: db.url, MIGRATIONS_RUN: 'false', PORT: '5999' }),
      },
    ).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code: number; stderr: string }) => error,
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `workout-planner-api: ${MIGRATIONS.length} pending migration(s): Baseline1795800000000`,
    );
  });

  it('GET /api/health is 503 once the database is unreachable', async () => {
    const t = await startTestApp(engine, {}, db);
    try {
      const doc = await ApiDocument.fetch(server(t));
      const ok = await t.http.get('/api/health').expect(200).expect(doc.check);
      expect(ok.body).toEqual({ status: 'healthy', timestamp: expect.any(String) });
      await t.dataSource.destroy();
      const down = await t.http.get('/api/health').expect(503).expect(doc.check);
      expect(down.body).toMatchObject({ error: 'Database is unreachable' });
    } finally {
      await t.app.close().catch(() => undefined);
    }
  });
});
