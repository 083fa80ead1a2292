import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { MIGRATIONS } from '../migrations';
import { DATABASE_UNAVAILABLE } from '../src/shared/domain-error';
import { describeWithPgBouncer, PgBouncer } from './support/pgbouncer';
import { seedWorkouts } from './support/seed';
import { runScript, ServerProcess, startServerProcess } from './support/server-process';
import { startTestApp, TestApp } from './support/test-app';
import { createTestDatabase, TEST_TMP, TestDatabase } from './support/test-database';

/** A client of its own, straight to PostgreSQL or through the pooler. */
async function connect(url: string): Promise<Client> {
  const client = new Client({ connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

/**
 * A session setting as every server connection of the pool has it: one client per connection,
 * each inside a transaction so that they hold all of them at once.
 */
async function settingOfThePool(url: string, setting: string): Promise<string[]> {
  const clients = await Promise.all(Array.from({ length: POOL }, () => connect(url)));
  try {
    return await Promise.all(
      clients.map(async (client) => {
        await client.query('BEGIN');
        const { rows } = await client.query<{ value: string }>(
          'SELECT current_setting($1) AS value',
          [setting],
        );
        return rows[0].value;
      }),
    );
  } finally {
    await Promise.all(clients.map((client) => client.end()));
  }
}

/** Server connections: the app's transactions and the probes below share them. */
const POOL = 2;

describeWithPgBouncer('PostgreSQL behind PgBouncer in transaction mode', () => {
  let bouncer: PgBouncer;

  beforeAll(async () => {
    bouncer = await PgBouncer.start({ poolSize: POOL });
  });
  afterAll(() => bouncer?.stop());

  describe('two server processes booting at once on an empty database', () => {
    let db: TestDatabase;
    let servers: ServerProcess[] = [];

    beforeAll(async () => {
      db = await createTestDatabase('postgres');
    });
    afterAll(async () => {
      await Promise.all(servers.map((server) => server.stop()));
      servers = [];
      await db?.drop();
    });

    it('both start with default settings, and the migrations run once', async () => {
      const env = { DATABASE_URL: bouncer.urlFor(db.url), SECRET_KEY: 'pooler-secret' };
      const started = await Promise.allSettled([startServerProcess(env), startServerProcess(env)]);
      servers = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
      expect(started.map((s) => (s.status === 'rejected' ? String(s.reason) : 'ok'))).toEqual([
        'ok',
        'ok',
      ]);

      const direct = await connect(db.url);
      try {
        const applied = await direct.query<{ name: string }>('SELECT name FROM migrations');
        expect(applied.rows.map((row) => row.name).sort()).toEqual(
          MIGRATIONS.map((migration) => migration.name).sort(),
        );
        const index = await direct.query(
          "SELECT 1 FROM pg_indexes WHERE indexname = 'uq_workout_selections_workout_id'",
        );
        expect(index.rowCount).toBe(1);
      } finally {
        await direct.end();
      }
      for (const server of servers) {
        expect((await fetch(`${server.url}/api/health`)).status).toBe(200);
      }
    });
  });

  describe('the statement timeout, set in each transaction', () => {
    let t: TestApp;
    let db: TestDatabase;

    beforeAll(async () => {
      db = await createTestDatabase('postgres');
      t = await startTestApp(
        'postgres',
        {
          DATABASE_URL: bouncer.urlFor(db.url),
          DATABASE_STATEMENT_TIMEOUT_MS: '500',
          DATABASE_QUERY_TIMEOUT_MS: '5000',
          LOG_LEVEL: 'warn',
        },
        db,
      );
    });
    afterAll(async () => {
      await t?.close();
      await db?.drop();
    });

    it('cancels a write and a read held by a lock: 503, and the app serves again once it goes', async () => {
      const [id] = await seedWorkouts(t, 1);
      const holder = await connect(db.url);
      await holder.query('BEGIN');
      await holder.query('LOCK TABLE workout_selections IN ACCESS EXCLUSIVE MODE');
      let write: Response;
      let read: Response;
      try {
        const headers = { authorization: `Bearer ${t.token}`, 'content-type': 'application/json' };
        [write, read] = await Promise.all([
          fetch(`${t.url}/api/selections/${id}`, {
            method: 'PUT',
            headers,
            body: JSON.stringify({ timeOfDay: 'morning' }),
          }),
          fetch(`${t.url}/api/workouts`, { headers }),
        ]);
      } finally {
        await holder.query('ROLLBACK');
        await holder.end();
      }
      for (const res of [write, read]) {
        expect([res.status, res.headers.get('retry-after'), await res.json()]).toEqual([
          503,
          '1',
          { error: DATABASE_UNAVAILABLE },
        ]);
      }
      const causes = t
        .logs()
        .filter((line) => line.msg === 'request failed')
        .map((line) => JSON.stringify(line.err));
      expect(causes).toHaveLength(2);
      for (const cause of causes) expect(cause).toMatch(/statement timeout/);

      const again = await t.http.put(`/api/selections/${id}`).send({ timeOfDay: 'evening' });
      expect(again.status).toBe(200);
    });

    it('leaves nothing on the server connections it shares with other clients', async () => {
      // Transactions of the app on both server connections of the pool, with its SET LOCAL.
      const ids = await seedWorkouts(t, 20);
      const statuses = await Promise.all(
        ids.map(
          async (id) =>
            (await t.http.put(`/api/selections/${id}`).send({ userNotes: 'shared' })).status,
        ),
      );
      expect(statuses).toEqual(ids.map(() => 200));
      expect(await settingOfThePool(bouncer.urlFor(db.url), 'statement_timeout')).toEqual([
        '0',
        '0',
      ]);

      // The check can fail: a session-level SET does stay on the server connection it ran on.
      const careless = await connect(bouncer.urlFor(db.url));
      try {
        await careless.query('SET statement_timeout = 1234');
      } finally {
        await careless.end();
      }
      expect(await settingOfThePool(bouncer.urlFor(db.url), 'statement_timeout')).toContain(
        '1234ms',
      );
      // What it left behind is the pool's, not the app's: the app's transactions set their own.
      const res = await t.http.put(`/api/selections/${ids[0]}`).send({ userNotes: 'again' });
      expect(res.status).toBe(200);
    });
  });

  describe('backups and restores, straight to PostgreSQL (DATABASE_DIRECT_URL)', () => {
    let db: TestDatabase;
    let t: TestApp;
    let dir: string;

    beforeAll(async () => {
      db = await createTestDatabase('postgres');
      t = await startTestApp('postgres', { DATABASE_URL: bouncer.urlFor(db.url) }, db);
      dir = mkdtempSync(join(TEST_TMP, 'pooler-backups-'));
    });
    afterAll(async () => {
      await t?.close();
      await db?.drop();
    });

    it('pg_dump and pg_restore leave the pooled connections as they were; through the pooler, a restore would not', async () => {
      const [id] = await seedWorkouts(t, 1);
      expect((await t.http.put(`/api/selections/${id}`).send({ userNotes: 'kept' })).status).toBe(
        200,
      );
      const pooled = { DATABASE_URL: bouncer.urlFor(db.url), BACKUP_DIR: dir };
      const env = { ...pooled, DATABASE_DIRECT_URL: db.url };
      const backup = await runScript('backup', [], env);
      expect(backup.status).toBe(0);
      const file = /^written: (\S+) /m.exec(backup.stdout)?.[1] as string;
      expect((await runScript('restore', [file, '--yes'], env)).status).toBe(0);

      const defaults = await settingOfThePool(bouncer.urlFor(db.url), 'search_path');
      expect(defaults).toEqual(defaults.map(() => '"$user", public'));
      const res = await t.http.get(`/api/workouts/${id}`);
      expect([res.status, res.body.selection?.userNotes]).toEqual([200, 'kept']);

      // The same restore through the pooler leaves pg_restore's empty search_path on a server
      // connection, where the app's next transaction would find no table.
      expect((await runScript('restore', [file, '--yes'], pooled)).status).toBe(0);
      expect(await settingOfThePool(bouncer.urlFor(db.url), 'search_path')).toContain('');
    });
  });
});
