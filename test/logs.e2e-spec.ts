import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { hashPassword } from '../src/users/password-hasher';
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
/** The calendar feed's credential, and values that look like one: none may reach the log. */
const FEED_TOKEN = randomBytes(32).toString('base64url');
const NOT_TOKENS = [1, 2, 3, 4, 5].map(() => randomBytes(16).toString('hex'));

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
      await ds.query(
        `INSERT INTO calendar_feed_tokens (token_hash, created_at) VALUES (${engine === 'postgres' ? '$1' : '?'}, CURRENT_TIMESTAMP)`,
        [createHash('sha256').update(FEED_TOKEN).digest('hex')],
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

  /** The access line of each request id, once all are written (they follow the answer). */
  async function accessLines(from: number, ids: string[]) {
    const deadline = Date.now() + 10_000;
    while (!ids.every((id) => accessLineOf(server.output().slice(from), id))) {
      if (Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const lines = server
      .output()
      .slice(from)
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    return ids.map((id) => lines.find((line) => line.reqId === id && 'res' in line));
  }

  /**
   * A GET of this exact path, through node:http rather than fetch, which would normalise it
   * (fetch drops a `#...` part; the server reads it as the query).
   */
  function rawGet(id: string, path: string): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const url = new URL(server.url);
      httpGet(
        { host: url.hostname, port: url.port, path, headers: { 'x-request-id': id } },
        (res) => {
          let body = '';
          res.on('data', (chunk: Buffer) => (body += chunk.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        },
      ).on('error', reject);
    });
  }

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

  it('never writes the feed token, however its query spells it: the path and the parsed query, masked', async () => {
    const from = server.output().length;
    const [wrong1, wrong2, wrong3, wrong4, wrong5] = NOT_TOKENS;
    const masked = { token: '[redacted]' };
    const cases: [string, string, number, Record<string, unknown>][] = [
      // 200: the route read the token from each of these spellings
      ['log-feed-plain', `/api/calendar.ics?token=${FEED_TOKEN}`, 200, masked],
      ['log-feed-encoded', `/api/calendar.ics?%74oken=${FEED_TOKEN}`, 200, masked],
      [
        'log-feed-encoded-2',
        `/api/calendar.ics?x=1&to%6B%65n=${FEED_TOKEN}`,
        200,
        { x: '1', ...masked },
      ],
      ['log-feed-hash', `/api/calendar.ics#token=${FEED_TOKEN}`, 200, masked],
      ['log-feed-twice', `/api/calendar.ics?token=${wrong1}&token=${FEED_TOKEN}`, 401, masked],
      ['log-feed-plus', `/api/calendar.ics?token=not+${wrong2}`, 401, masked],
      // not read by the route, still hidden
      ['log-feed-case', `/api/calendar.ics?TOKEN=${wrong3}`, 401, { TOKEN: '[redacted]' }],
      ['log-feed-404', `/api/no-such-feed?token=${wrong4}`, 404, masked],
      ['log-feed-404-hash', `/api/no-such-feed#token=${wrong5}`, 404, masked],
    ];
    for (const [id, path, status] of cases) {
      const res = await rawGet(id, path);
      expect([id, res.status]).toEqual([id, status]);
      for (const secret of [FEED_TOKEN, ...NOT_TOKENS]) {
        expect([id, res.body.includes(secret)]).toEqual([id, false]);
      }
    }

    const lines = await accessLines(
      from,
      cases.map(([id]) => id),
    );
    cases.forEach(([id, path, , query], index) => {
      const route = path.replace(/[?#].*/, '');
      expect([id, lines[index]?.req]).toEqual([id, { method: 'GET', path: route, query }]);
    });
    const everything = server.output();
    for (const secret of [FEED_TOKEN, ...NOT_TOKENS]) {
      expect(everything.includes(secret)).toBe(false);
    }
  }, 60_000);
});
