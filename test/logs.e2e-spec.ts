import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { hashPassword } from '../src/auth/password-hasher';
import { parseDatabaseUrl } from '../src/config/database-url';
import { buildDataSourceOptions } from '../src/database/data-source.options';
import { ServerProcess, startServerProcess } from './support/server-process';
import { holdSqliteWriteLock } from './support/sqlite-lock';
import { createTestDatabase, ENGINES, TestDatabase } from './support/test-database';

const PASSWORD = 'a password that must never be logged';

/** Whether the output holds the access line (`request completed`/`failed`) of request `id`. */
const accessLineOf = (output: string, id: string) =>
  output
    .split('\n')
    .some(
      (line) => line.includes(`"reqId":"${id}"`) && /"msg":"request (completed|failed)"/.test(line),
    );
const USERNAME = 'log-athlete';

describe.each(ENGINES)('the logs of a real server process on %s', (engine) => {
  let db: TestDatabase;
  let server: ServerProcess;
  let dir: string;

  beforeAll(async () => {
    db = await createTestDatabase(engine);
    dir = mkdtempSync(join(tmpdir(), 'wp-logs-'));
    // A directory where the weekly-targets file should be: every GET of it is a 500.
    server = await startServerProcess({
      DATABASE_URL: db.url,
      SECRET_KEY: 'log-spec-secret',
      LOG_LEVEL: 'info',
      WEEKLY_TARGETS_FILE: dir,
    });
    const ds = await new DataSource(buildDataSourceOptions(parseDatabaseUrl(db.url))).initialize();
    try {
      await ds.query(
        `INSERT INTO users (username, password_hash) VALUES (${engine === 'postgres' ? '$1, $2' : '?, ?'})`,
        [USERNAME, await hashPassword(PASSWORD)],
      );
      await ds.query(
        "INSERT INTO workouts (title, workout_type, originally_planned_day, is_custom) VALUES ('Run', 'Run', '2026-01-05', " +
          (engine === 'postgres' ? 'false)' : '0)'),
      );
    } finally {
      await ds.destroy();
    }
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
    await db?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A request with our own X-Request-ID, so its log lines can be found. */
  async function call(id: string, method: string, path: string, init: RequestInit = {}) {
    const res = await fetch(`${server.url}${path}`, {
      ...init,
      method,
      headers: { 'x-request-id': id, ...(init.headers as Record<string, string>) },
    });
    expect(res.headers.get('x-request-id')).toBe(id);
    return { status: res.status, text: await res.text() };
  }

  it('puts the request id on every line of a request, never a secret, and a 500 cause in the log only', async () => {
    const from = server.output().length;
    const json = { 'content-type': 'application/json' };
    const loginBody = JSON.stringify({ username: USERNAME, password: PASSWORD });
    const login = await call('log-login', 'POST', '/api/auth/login', {
      headers: json,
      body: loginBody,
    });
    expect(login.status).toBe(200);
    const token = (JSON.parse(login.text) as { token: string }).token;
    const auth = { ...json, authorization: `Bearer ${token}` };
    const refused = await call('log-login-failed', 'POST', '/api/auth/login', {
      headers: json,
      body: JSON.stringify({ username: USERNAME, password: `${PASSWORD}!` }),
    });
    expect(refused.status).toBe(401);
    expect((await call('log-me', 'GET', '/api/auth/me', { headers: auth })).status).toBe(200);
    const write = { headers: auth, body: JSON.stringify({ timeOfDay: 'morning' }) };
    expect((await call('log-put', 'PUT', '/api/selections/1', write)).status).toBe(200);
    const bad = { headers: auth, body: JSON.stringify({ timeOfDay: 42 }) };
    expect((await call('log-400', 'PUT', '/api/selections/1', bad)).status).toBe(400);
    expect((await call('log-404', 'GET', '/api/workouts/987654', { headers: auth })).status).toBe(
      404,
    );
    const failed = await call('log-500', 'GET', '/api/weekly-targets');
    expect(failed.status).toBe(500);
    const ids = ['log-login', 'log-login-failed', 'log-me', 'log-put', 'log-400', 'log-404'];

    if (engine === 'sqlite') {
      // A write that meets another process's lock logs its retries, from the service.
      const { released } = await holdSqliteWriteLock(db.path as string, 300);
      expect((await call('log-retried', 'PUT', '/api/selections/1', write)).status).toBe(200);
      await released;
      ids.push('log-retried');
    }

    // The access line is written once the answer has gone: wait for each request's.
    const deadline = Date.now() + 10_000;
    while (![...ids, 'log-500'].every((id) => accessLineOf(server.output().slice(from), id))) {
      if (Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const output = server.output().slice(from);
    const lines = output
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    // Every line written while these requests ran belongs to one of them.
    expect(lines.filter((line) => ![...ids, 'log-500'].includes(String(line.reqId)))).toEqual([]);
    for (const id of ids) {
      const own = lines.filter((line) => line.reqId === id);
      expect([id, own.at(-1)?.msg]).toEqual([id, 'request completed']);
    }
    if (engine === 'sqlite') {
      const retried = lines.filter((line) => line.reqId === 'log-retried');
      expect(retried.length).toBeGreaterThan(1);
      expect(retried[0]).toMatchObject({ context: 'TransactionRunner', code: 'SQLITE_BUSY' });
    }

    // No password, token, Authorization header or login body, anywhere in the output.
    const everything = server.output();
    for (const secret of [PASSWORD, token, token.split('.')[2], loginBody, 'Bearer ']) {
      expect(everything.includes(secret)).toBe(false);
    }
    expect(everything.toLowerCase()).not.toContain('authorization');

    // The 500: a generic answer; the file and the system's error on its one log line.
    expect(JSON.parse(failed.text)).toEqual({
      error: 'The server is not configured for this request; the details are in the server log',
      requestId: 'log-500',
    });
    expect(failed.text).not.toContain(dir);
    const failure = lines.filter((line) => line.reqId === 'log-500');
    expect(failure).toEqual([
      expect.objectContaining({ level: 50, msg: 'request failed', res: { statusCode: 500 } }),
    ]);
    expect(JSON.stringify(failure[0].err)).toContain(dir);
    expect(JSON.stringify(failure[0].err)).toMatch(/EISDIR/);
  }, 60_000);
});
