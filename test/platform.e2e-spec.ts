import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import request from 'supertest';
import { childEnv, freePort } from './support/server-process';
import { ENGINES } from './support/test-database';
import { server, startTestApp, TestApp } from './support/test-app';
import { clearWorkouts } from './support/seed';

const ROOT = join(__dirname, '..');
/** Production wants 32 bytes at least. */
const SECRET_KEY = randomBytes(32).toString('hex');
const EXAMPLES = join(ROOT, 'config');

describe.each(ENGINES)('stats, config files, CORS, headers and frontend on %s', (engine) => {
  let t: TestApp;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'wp-platform-'));
    mkdirSync(join(dir, 'build', 'static'), { recursive: true });
    writeFileSync(
      join(dir, 'build', 'index.html'),
      '<!doctype html><html><head><script>window.runtime=1</script></head><body>planner</body></html>',
    );
    writeFileSync(join(dir, 'build', 'static', 'main.js'), 'console.log(1)');
    t = await startTestApp(engine, {
      TRI_CLUB_SCHEDULE_FILE: join(dir, 'schedule.json'),
      WEEKLY_TARGETS_FILE: join(dir, 'targets.json'),
      FRONTEND_DIR: join(dir, 'build'),
      LOG_LEVEL: 'error',
    });
  });
  afterAll(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('counts workouts without a selection row as selected', async () => {
    await clearWorkouts(t);
    const make = (body: object) =>
      t.http
        .post('/api/workouts')
        .send({ originallyPlannedDay: '2026-01-05', ...body })
        .expect(201);
    await make({ title: 'no selection row' });
    await make({ title: 'custom, selected', isCustom: true, timeOfDay: 'morning' });
    const off = await make({ title: 'deselected', timeOfDay: 'evening' });
    await t.sql('UPDATE workout_selections SET is_selected = ? WHERE workout_id = ?', [
      engine === 'postgres' ? false : 0,
      off.body.id,
    ]);
    const res = await t.http.get('/api/stats').expect(200);
    expect(res.body).toEqual({ totalWorkouts: 3, selectedWorkouts: 2, customWorkouts: 1 });
  });

  describe('config files', () => {
    const files = [
      ['tri-club-schedule', 'schedule.json', 'tri-club-schedule.example.json', 'Tri club schedule'],
      ['weekly-targets', 'targets.json', 'weekly-targets.example.json', 'Weekly targets'],
    ];

    it.each(files)(
      'GET /api/%s: a configured file that is missing is a 500, one present is served verbatim',
      async (path, file, example, what) => {
        rmSync(join(dir, file), { force: true });
        const missing = await t.http.get(`/api/${path}`).expect(500);
        expect(missing.body).toEqual({
          error: 'The server is not configured for this request; the details are in the server log',
          requestId: missing.headers['x-request-id'],
        });
        const line = t.logs().find((l) => l.reqId === missing.body.requestId);
        expect(JSON.stringify(line?.err)).toContain(`${what} file ${join(dir, file)}`);
        copyFileSync(join(EXAMPLES, example), join(dir, file));
        const res = await t.http.get(`/api/${path}`).expect(200);
        expect(res.body).toEqual(JSON.parse(readFileSync(join(EXAMPLES, example), 'utf8')));
      },
    );

    it.each([
      [
        'tri-club-schedule',
        'schedule.json',
        '{"effective_date": "2026-01-01", "schedule": ',
        /not valid JSON/,
      ],
      [
        'tri-club-schedule',
        'schedule.json',
        '{"effective_date":"2026-01-01","schedule":{"monday":[{"time":"7pm","activity":"Swim"}]}}',
        /schedule\.monday\[0\]\.time must be HH:MM/,
      ],
      [
        'weekly-targets',
        'targets.json',
        '{"week_start_date": "2026-01-05"}',
        /must hold a JSON array/,
      ],
      [
        'weekly-targets',
        'targets.json',
        '[{"week_start_date":"2026-01-06","weekly_targets":{}}]',
        /not a Monday/,
      ],
    ])(
      'GET /api/%s with a malformed file is a 500 that tells the client nothing of the file',
      async (path, file, content, problem) => {
        writeFileSync(join(dir, file), content);
        const res = await t.http.get(`/api/${path}`).expect(500);
        expect(res.body).toEqual({
          error: 'The server is not configured for this request; the details are in the server log',
          requestId: res.headers['x-request-id'],
        });
        expect(JSON.stringify(res.body)).not.toContain(dir);
        // The operator finds the file and its problem on the request's one log line.
        const lines = t.logs().filter((line) => line.reqId === res.body.requestId);
        expect(lines).toEqual([
          expect.objectContaining({
            msg: 'request failed',
            err: expect.objectContaining({
              message: expect.stringMatching(problem) as unknown,
            }) as unknown,
          }),
        ]);
        expect((lines[0].err as { message: string }).message).toContain(join(dir, file));
      },
    );

    it('with no file configured and none at the default path: nothing planned, not an error', async () => {
      // The defaults are config/*.json of the working directory, where only examples are.
      const fresh = await startTestApp(engine, {
        TRI_CLUB_SCHEDULE_FILE: undefined,
        WEEKLY_TARGETS_FILE: undefined,
      });
      try {
        const targets = await request(server(fresh)).get('/api/weekly-targets').expect(200);
        expect(targets.body).toEqual([]);
        const schedule = await fresh.http.get('/api/tri-club-schedule').expect(200);
        expect(schedule.body).toEqual({ schedule: {} });
      } finally {
        await fresh.close();
      }
    });

    it('serves weekly targets without a token, but not the schedule', async () => {
      copyFileSync(join(EXAMPLES, 'weekly-targets.example.json'), join(dir, 'targets.json'));
      copyFileSync(join(EXAMPLES, 'tri-club-schedule.example.json'), join(dir, 'schedule.json'));
      await request(server(t)).get('/api/weekly-targets').expect(200);
      await request(server(t)).get('/api/tri-club-schedule').expect(401);
    });
  });

  describe('frontend serving and headers', () => {
    it('serves index.html at / and files by path, with a CSP admitting the inline runtime', async () => {
      const index = await request(server(t)).get('/').expect(200);
      expect(index.text).toContain('planner');
      const csp = index.headers['content-security-policy'];
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("style-src 'self' 'unsafe-inline'");
      expect(csp).toContain("img-src 'self' data:");
      expect(csp).toContain("connect-src 'self'");
      const hash = createHash('sha256').update('window.runtime=1').digest('base64');
      expect(csp).toContain(`script-src 'self' 'sha256-${hash}'`);
      expect(index.headers['x-content-type-options']).toBe('nosniff');
      const js = await request(server(t)).get('/static/main.js').expect(200);
      expect(js.text).toBe('console.log(1)');
    });

    it('never shadows /api: unknown paths stay JSON 404, bad JSON stays 400', async () => {
      const typo = await t.http.get('/api/typo').expect(404);
      expect(typo.body).toEqual({ error: 'Not found: /api/typo' });
      await t.http
        .post('/api/workouts')
        .set('Content-Type', 'application/json')
        .send('{bad')
        .expect(400);
      const health = await request(server(t)).get('/api/health').expect(200);
      expect(health.headers['content-type']).toMatch(/json/);
      // API answers carry the same security headers as the page.
      expect(health.headers['x-content-type-options']).toBe('nosniff');
      expect(health.headers['x-frame-options']).toBe('SAMEORIGIN');
      expect(health.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    });
  });

  describe('CORS', () => {
    it('development: allows http://localhost:3000 with credentials, nobody else', async () => {
      const ok = await request(server(t))
        .options('/api/workouts')
        .set('Origin', 'http://localhost:3000')
        .set('Access-Control-Request-Method', 'PUT')
        .set('Access-Control-Request-Headers', 'Authorization, Content-Type')
        .expect(200);
      expect(ok.headers['access-control-allow-origin']).toBe('http://localhost:3000');
      expect(ok.headers['access-control-allow-credentials']).toBe('true');
      expect(ok.headers['access-control-allow-methods']).toBe('GET,POST,PUT,DELETE,OPTIONS');
      expect(ok.headers['access-control-allow-headers']).toBe('Content-Type,Authorization');
      const get = await t.http.get('/api/stats').set('Origin', 'http://localhost:3000').expect(200);
      expect(get.headers['access-control-allow-origin']).toBe('http://localhost:3000');

      const evil = await request(server(t))
        .options('/api/workouts')
        .set('Origin', 'https://evil.example')
        .set('Access-Control-Request-Method', 'GET')
        .expect(200);
      expect(evil.headers['access-control-allow-origin']).toBeUndefined();
    });

    it('production: only CORS_ORIGINS, none by default, no credentials', async () => {
      const preflight = (app: TestApp, origin: string) =>
        request(server(app))
          .options('/api/health')
          .set('Origin', origin)
          .set('Access-Control-Request-Method', 'GET')
          .set('Access-Control-Request-Headers', 'Authorization');
      const closed = await startTestApp(engine, { NODE_ENV: 'production', SECRET_KEY });
      try {
        // No CORS at all: no preflight route.
        const res = await preflight(closed, 'http://localhost:3000').expect(405);
        expect(res.headers['access-control-allow-origin']).toBeUndefined();
      } finally {
        await closed.close();
      }
      const open = await startTestApp(engine, {
        NODE_ENV: 'production',
        SECRET_KEY,
        CORS_ORIGINS: 'https://planner.example, https://other.example',
      });
      try {
        const res = await preflight(open, 'https://other.example').expect(200);
        expect(res.headers['access-control-allow-origin']).toBe('https://other.example');
        expect(res.headers['access-control-allow-credentials']).toBeUndefined();
        expect(res.headers['access-control-allow-headers']).toContain('Authorization');
        const other = await preflight(open, 'https://evil.example').expect(200);
        expect(other.headers['access-control-allow-origin']).toBeUndefined();
      } finally {
        await open.close();
      }
    });
  });
});

describe('a server process started with an unsafe setting', () => {
  /** `src/main.ts` with only this environment: how it ended and what it wrote to stderr. */
  async function start(env: Record<string, string>) {
    const port = String(await freePort());
    return promisify(execFile)(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', join(ROOT, 'src', 'main.ts')],
      // Were the setting taken, the server would run: the timeout ends it and the test fails.
      {
        cwd: ROOT,
        env: childEnv({ DATABASE_URL: 'sqlite::memory:', PORT: port, ...env }),
        timeout: 60_000,
      },
    ).then(
      (): { code: number | null; stderr: string } => ({ code: 0, stderr: '' }),
      (error: { code: number | null; stderr: string }) => error,
    );
  }

  it.each([
    [
      { TRUST_PROXY: 'uniquelocal' },
      'TRUST_PROXY must not trust a range any client could be in (got "uniquelocal": it holds all of 10.0.0.0/8)',
    ],
    [
      { TRUST_PROXY: 'loopback,0.0.0.0/1,128.0.0.0/1' },
      'TRUST_PROXY must not trust a range any client could be in (got "0.0.0.0/1": /1 spans more than 1/256 of all addresses)',
    ],
    [
      { NODE_ENV: 'production', SECRET_KEY: 'a' },
      'SECRET_KEY must be at least 32 bytes (UTF-8) when NODE_ENV=production (got 1)',
    ],
    [
      // 31 characters but 32 bytes: the key passes, and a variable read after it stops the start
      { NODE_ENV: 'production', SECRET_KEY: `é${'x'.repeat(30)}`, WEATHER_LATITUDE: '91' },
      'WEATHER_LATITUDE must be a number from -90 to 90 (got "91")',
    ],
  ])(
    '%j: exits 1 with one line naming the variable',
    async (env, message) => {
      const { code, stderr } = await start(env);
      expect({ code, stderr }).toEqual({
        code: 1,
        stderr: expect.stringMatching(/^workout-planner-api: [^\n]*\n$/) as unknown,
      });
      expect(stderr).toContain(message);
    },
    90_000,
  );
});
