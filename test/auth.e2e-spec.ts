import { JwtService } from '@nestjs/jwt';
import request from 'supertest';
import { RouteTable } from '../src/http/route-table';
import { UsersService } from '../src/users/users.service';
import { ENGINES } from './support/test-database';
import { server, startTestApp, TestApp } from './support/test-app';
import { userToken } from './support/users';
import { werkzeugPbkdf2Hash, werkzeugScryptHash } from './support/werkzeug-hashes';

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const PUBLIC_ROUTES = [
  'POST /api/auth/login',
  'POST /api/auth/register',
  'GET /api/health',
  'GET /api/weekly-targets',
  // Open to the login guard; calendar apps authorise with the feed's own ?token=.
  'GET /api/calendar.ics',
  'GET /api/openapi.json',
  'GET /api/docs',
  // Prometheus authorises with METRICS_TOKEN, never a login token (see the metrics spec).
  'GET /api/metrics',
];
/** Swagger UI's own files (its init script, index.html, …), public as the UI is. */
const isPublic = (route: string) =>
  PUBLIC_ROUTES.includes(route) || route.startsWith('GET /api/docs/');

/** Every route Fastify registered under /api (HEAD aside), as "METHOD /path" with ids filled in. */
function apiRoutes(t: TestApp): string[] {
  const routes = new Set<string>();
  for (const { method, url } of t.app.get(RouteTable).routes()) {
    if (method === 'HEAD') continue;
    routes.add(`${method} ${url.replace(/:\w+/g, '1')}`);
  }
  return [...routes].sort();
}

const call = (t: TestApp, route: string) => {
  const [method, path] = route.split(' ');
  return request(server(t))[method.toLowerCase() as 'get'](path);
};

/**
 * Runs `work` with Date.now held still at `clock.now` (which `work` may move on): the login
 * limiter's minute and the user cache's seconds are the app's Date.now, so a test can say what
 * happens within and after them without depending on how fast the machine checks passwords.
 */
async function withClock<T>(work: (clock: { now: number }) => Promise<T>): Promise<T> {
  const clock = { now: Date.now() };
  const spy = jest.spyOn(Date, 'now').mockImplementation(() => clock.now);
  try {
    return await work(clock);
  } finally {
    spy.mockRestore();
  }
}

const decode = (token: string) =>
  JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as Record<string, number>;

describe.each(ENGINES)('authentication on %s', (engine) => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp(engine);
  });
  afterAll(() => t.close());

  describe('the global guard', () => {
    let privateRoutes: string[];
    beforeAll(() => {
      privateRoutes = apiRoutes(t).filter((route) => !isPublic(route));
    });

    it('knows the private routes (the list below is discovered from the router)', () => {
      expect(privateRoutes).toEqual(
        expect.arrayContaining([
          'GET /api/auth/verify',
          'GET /api/auth/me',
          'GET /api/workouts',
          'POST /api/workouts',
          'GET /api/workouts/1',
          'PUT /api/workouts/1',
          'DELETE /api/workouts/1',
          'POST /api/workouts/import',
          'GET /api/stats',
          'GET /api/tri-club-schedule',
        ]),
      );
      expect(apiRoutes(t)).toEqual(expect.arrayContaining(PUBLIC_ROUTES));
    });

    it('answers 401 "Token is missing" without a token on every private route', async () => {
      for (const route of privateRoutes) {
        const res = await call(t, route);
        expect([route, res.status, res.body]).toEqual([route, 401, { error: 'Token is missing' }]);
      }
    });

    it('answers 401 for a forged, an expired, an eternal and a malformed token, and for a deleted user', async () => {
      const now = Math.floor(Date.now() / 1000);
      const real = new JwtService({ secret: t.secret });
      const forged = new JwtService({ secret: 'not-the-secret' }).sign({ user_id: t.user.id });
      const expired = real.sign({ user_id: t.user.id, iat: now - 7200, exp: now - 3600 });
      // The real secret and user, but no exp: it would be valid forever.
      const eternal = real.sign({ user_id: t.user.id });
      expect(Object.keys(decode(eternal)).sort()).toEqual(['iat', 'user_id']);
      await t.sql("INSERT INTO users (username, password_hash) VALUES ('gone', 'x')");
      const [gone] = await t.sql<{ id: number }>("SELECT id FROM users WHERE username = 'gone'");
      const orphan = real.sign({ user_id: Number(gone.id) }, { expiresIn: 3600 });
      await t.sql("DELETE FROM users WHERE username = 'gone'");

      for (const route of privateRoutes) {
        const cases: [string, string | RegExp][] = [
          [`Bearer ${forged}`, /^Invalid token: /],
          [`Bearer ${expired}`, 'Token has expired'],
          [`Bearer ${eternal}`, 'Invalid token: Token is missing the "exp" claim'],
          [`Bearer ${orphan}`, 'Invalid token: user no longer exists'],
          ['Bearer garbage', /^Invalid token: /],
          ['InvalidToken', 'Invalid authorization header format'],
          ['Bearer  two-spaces', 'Token is missing'], // split on single spaces: empty token
        ];
        for (const [header, message] of cases) {
          const res = await call(t, route).set('Authorization', header);
          expect([route, header, res.status]).toEqual([route, header, 401]);
          if (typeof message === 'string') expect(res.body).toEqual({ error: message });
          else expect(res.body.error).toMatch(message);
        }
      }
    });

    it('lets the public routes through without a token', async () => {
      await request(server(t)).get('/api/health').expect(200);
      // No file configured here: nothing planned.
      const targets = await request(server(t)).get('/api/weekly-targets').expect(200);
      expect(targets.body).toEqual([]);
      await request(server(t)).post('/api/auth/register').send({}).expect(403);
      await request(server(t)).post('/api/auth/login').send({}).expect(400);
    });

    it('accepts a token of the previous backend (same claims and secret)', async () => {
      const now = Math.floor(Date.now() / 1000);
      const pyjwtLike = new JwtService({ secret: t.secret }).sign(
        { user_id: t.user.id, exp: now + 3600, iat: now },
        { header: { alg: 'HS256', typ: 'JWT' } },
      );
      const res = await request(server(t))
        .get('/api/auth/me')
        .set('Authorization', `bearer ${pyjwtLike}`)
        .expect(200);
      expect(res.body.username).toBe(t.user.username);
    });
  });

  describe('login, verify, me, register', () => {
    const login = (body: unknown) =>
      request(server(t))
        .post('/api/auth/login')
        .send(body as object);

    it('logs in with the contract shape, sets last_login and returns a working token', async () => {
      const before = Date.now();
      const res = await login({ username: t.user.username, password: t.user.password }).expect(200);
      expect(res.body).toEqual({
        message: 'Login successful',
        token: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/),
        user: {
          id: t.user.id,
          username: t.user.username,
          createdAt: expect.stringMatching(ISO_UTC),
          lastLogin: expect.stringMatching(ISO_UTC),
        },
      });
      expect(Date.parse(res.body.user.lastLogin)).toBeGreaterThanOrEqual(before - 1000);
      const claims = decode(res.body.token);
      expect(Object.keys(claims).sort()).toEqual(['exp', 'iat', 'user_id']);
      expect(claims.user_id).toBe(t.user.id);
      expect(claims.exp - claims.iat).toBe(720 * 3600);

      const auth = `Bearer ${res.body.token}`;
      const verify = await request(server(t)).get('/api/auth/verify').set('Authorization', auth);
      expect(verify.status).toBe(200);
      expect(verify.body).toEqual({ valid: true, user: res.body.user });
      const me = await request(server(t))
        .get('/api/auth/me')
        .set('Authorization', auth)
        .expect(200);
      expect(me.body).toEqual(res.body.user);
    });

    it.each([
      [{}],
      [{ username: 'athlete' }],
      [{ password: 'x' }],
      [{ username: '', password: 'x' }],
      [{ username: 'athlete', password: '' }],
      [{ username: 5, password: 'x' }],
    ])('refuses %j with 400 and the contract message', async (body) => {
      const res = await login(body).expect(400);
      expect(res.body).toEqual({ error: 'Username and password are required' });
    });

    it('answers 401 with one message for an unknown user and a wrong password', async () => {
      const unknown = await login({ username: 'Athlete', password: t.user.password }).expect(401);
      const wrong = await login({ username: t.user.username, password: 'wrong password' });
      expect(wrong.status).toBe(401);
      expect(unknown.body).toEqual({ error: 'Invalid username or password' });
      expect(wrong.body).toEqual(unknown.body);
    });

    it('keeps register disabled', async () => {
      const res = await request(server(t)).post('/api/auth/register').send({}).expect(403);
      expect(res.body.error).toContain('disabled');
    });

    it.each([
      ['werkzeug scrypt', werkzeugScryptHash, /^scrypt:32768:8:1\$/],
      ['werkzeug pbkdf2', werkzeugPbkdf2Hash, /^pbkdf2:sha256:1000\$/],
    ])('logs in with a %s hash and rehashes it', async (_name, makeHash, legacyPrefix) => {
      const username = `legacy-${Math.random().toString(36).slice(2, 8)}`;
      const hash = makeHash('old password 1');
      expect(hash).toMatch(legacyPrefix);
      await t.sql('INSERT INTO users (username, password_hash) VALUES (?, ?)', [username, hash]);

      await login({ username, password: 'wrong password' }).expect(401);
      const [unchanged] = await t.sql<{ password_hash: string }>(
        'SELECT password_hash FROM users WHERE username = ?',
        [username],
      );
      expect(unchanged.password_hash).toBe(hash);

      await login({ username, password: 'old password 1' }).expect(200);
      const [row] = await t.sql<{ password_hash: string }>(
        'SELECT password_hash FROM users WHERE username = ?',
        [username],
      );
      expect(row.password_hash).toMatch(/^node-scrypt:131072:8:1\$/);
      await login({ username, password: 'old password 1' }).expect(200);
      await t.sql('DELETE FROM users WHERE username = ?', [username]);
    });
  });

  describe('with the real rate limit and a short token lifetime', () => {
    let limited: TestApp;
    beforeAll(async () => {
      limited = await startTestApp(engine, {
        LOGIN_ATTEMPTS_PER_MINUTE: undefined,
        ACCESS_TOKEN_LIFETIME_HOURS: '2',
      });
    });
    afterAll(() => limited.close());

    it('issues tokens with exp - iat = ACCESS_TOKEN_LIFETIME_HOURS x 3600', async () => {
      const before = Math.floor(Date.now() / 1000);
      const res = await request(server(limited))
        .post('/api/auth/login')
        .send({ username: limited.user.username, password: limited.user.password })
        .expect(200);
      const claims = decode(res.body.token);
      expect(claims.exp - claims.iat).toBe(2 * 3600);
      expect(claims.iat).toBeGreaterThanOrEqual(before);
      expect(claims.iat).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000));
    });

    // Each failed attempt costs a full scrypt (unknown users are checked against a decoy hash).
    jest.setTimeout(60_000);

    const attemptFrom = (forwardedFor: string, password: string) =>
      request(server(limited))
        .post('/api/auth/login')
        .set('X-Forwarded-For', forwardedFor)
        .send({ username: limited.user.username, password });

    it('answers 429 after 10 failed attempts a minute from one address, even with the right password', async () => {
      await withClock(async (clock) => {
        // TRUST_PROXY is unset here: X-Forwarded-For is ignored, every attempt is 127.0.0.1's.
        for (let attempt = 1; attempt <= 10; attempt++) {
          await attemptFrom(`203.0.113.${attempt}`, 'wrong password').expect(401);
        }
        const res = await attemptFrom('203.0.113.99', limited.user.password).expect(429);
        expect(res.body).toEqual({ error: 'Too many login attempts. Try again in 60 seconds.' });
        expect(res.headers['retry-after']).toBe('60');
        // Only login is limited.
        await limited.http.get('/api/auth/me').expect(200);
        clock.now += 59_000;
        await attemptFrom('203.0.113.99', limited.user.password).expect(429);
        // A minute after the failures, the address may try again.
        clock.now += 1_001;
        await attemptFrom('203.0.113.99', limited.user.password).expect(200);
      });
    });
  });

  describe('behind a reverse proxy (TRUST_PROXY=loopback)', () => {
    let proxied: TestApp;
    beforeAll(async () => {
      proxied = await startTestApp(engine, {
        LOGIN_ATTEMPTS_PER_MINUTE: undefined,
        TRUST_PROXY: 'loopback',
      });
    });
    afterAll(() => proxied.close());
    jest.setTimeout(60_000);

    const from = (address: string, password: string) =>
      request(server(proxied))
        .post('/api/auth/login')
        .set('X-Forwarded-For', address)
        .send({ username: proxied.user.username, password });

    it('counts only failed attempts: logging in again and again is never limited', async () => {
      for (let attempt = 1; attempt <= 12; attempt++) {
        await from('198.51.100.1', proxied.user.password).expect(200);
      }
    });

    it("keys the limit on the client's address, so another client cannot lock the owner out", async () => {
      await withClock(async () => {
        for (let attempt = 1; attempt <= 10; attempt++) {
          await from('203.0.113.7', 'wrong password').expect(401);
        }
        await from('203.0.113.7', proxied.user.password).expect(429);
        await from('198.51.100.20', proxied.user.password).expect(200);
      });
    });

    it('counts an IPv6 client per /64, however its addresses are written', async () => {
      await withClock(async () => {
        // Ten failures from ten addresses of one /64, written with and without `::`.
        for (let attempt = 1; attempt <= 5; attempt++) {
          await from(`2001:db8:1:2::${attempt}`, 'wrong password').expect(401);
          await from(`2001:0db8:0001:0002:ffff:${attempt}:0:1`, 'wrong password').expect(401);
        }
        await from('2001:db8:1:2:abcd::9', proxied.user.password).expect(429);
        // The next /64 is another client.
        await from('2001:db8:1:3::1', proxied.user.password).expect(200);
      });
    });

    it('counts an IPv4-mapped IPv6 address as the IPv4 address', async () => {
      await withClock(async () => {
        for (let attempt = 1; attempt <= 5; attempt++) {
          await from('203.0.113.50', 'wrong password').expect(401);
          await from('::ffff:203.0.113.50', 'wrong password').expect(401);
        }
        await from('203.0.113.50', proxied.user.password).expect(429);
        await from('::ffff:cb00:7132', proxied.user.password).expect(429); // 203.0.113.50 in hex
        await from('203.0.113.51', proxied.user.password).expect(200);
      });
    });
  });

  describe('the user-id cache of the request gate', () => {
    let cached: TestApp;
    beforeAll(async () => {
      cached = await startTestApp(engine, { AUTH_USER_CACHE_SECONDS: '60' });
    });
    afterAll(() => cached.close());

    const userWithToken = async (username: string) =>
      `Bearer ${await userToken(cached.dataSource, cached.secret, username)}`;

    it('trusts a known user id without asking the database on every request', async () => {
      const auth = await userWithToken('cached-elsewhere');
      await request(server(cached)).get('/api/stats').set('Authorization', auth).expect(200);
      // Deleted by another process: this one answers from its cache until the entry expires.
      await cached.sql('DELETE FROM users WHERE username = ?', ['cached-elsewhere']);
      await request(server(cached)).get('/api/stats').set('Authorization', auth).expect(200);
    });

    it('refuses at once the token of a user deleted by this process', async () => {
      const auth = await userWithToken('deleted-here');
      await request(server(cached)).get('/api/stats').set('Authorization', auth).expect(200);
      await cached.app.get(UsersService).delete('deleted-here');
      const res = await request(server(cached))
        .get('/api/stats')
        .set('Authorization', auth)
        .expect(401);
      expect(res.body).toEqual({ error: 'Invalid token: user no longer exists' });
    });
  });

  it('refuses the token of a user deleted elsewhere once the cache entry expires', async () => {
    const short = await startTestApp(engine, { AUTH_USER_CACHE_SECONDS: '1' });
    try {
      const auth = `Bearer ${await userToken(short.dataSource, short.secret, 'expires')}`;
      await withClock(async (clock) => {
        await request(server(short)).get('/api/stats').set('Authorization', auth).expect(200);
        await short.sql("DELETE FROM users WHERE username = 'expires'");
        clock.now += 900;
        await request(server(short)).get('/api/stats').set('Authorization', auth).expect(200);
        clock.now += 101;
        const res = await request(server(short))
          .get('/api/stats')
          .set('Authorization', auth)
          .expect(401);
        expect(res.body).toEqual({ error: 'Invalid token: user no longer exists' });
      });
    } finally {
      await short.close();
    }
  });
});
