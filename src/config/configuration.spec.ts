import { resolve } from 'node:path';
import { ConfigError, loadConfig } from './configuration';
import { parseDatabaseUrl } from './database-url';

describe('loadConfig', () => {
  it('defaults to port 5000 and the embedded SQLite file', () => {
    const config = loadConfig({});
    expect(config.port).toBe(5000);
    expect(config.migrationsRun).toBe(true);
    expect(config.database).toEqual({
      engine: 'sqlite',
      path: resolve('data/workout-planner.sqlite'),
    });
  });

  it.each([
    [{ PORT: 'abc' }, /^PORT /],
    [{ PORT: '70000' }, /^PORT /],
    [{ NODE_ENV: 'staging' }, /^NODE_ENV /],
    [{ LOG_LEVEL: 'loud' }, /^LOG_LEVEL /],
    [{ MIGRATIONS_RUN: 'maybe' }, /^MIGRATIONS_RUN /],
    [{ DATABASE_URL: 'mysql://x' }, /^DATABASE_URL/],
    [{ DATABASE_DIRECT_URL: 'postgres://u@h/db' }, /^DATABASE_DIRECT_URL .*PostgreSQL/],
    [
      { DATABASE_URL: 'postgres://u@pooler/db', DATABASE_DIRECT_URL: 'sqlite:x' },
      /^DATABASE_DIRECT_URL /,
    ],
    [{ NODE_ENV: 'production' }, /SECRET_KEY/],
    [{ TRUST_PROXY: '1' }, /^TRUST_PROXY .*hop count/],
    [{ TRUST_PROXY: 'true' }, /^TRUST_PROXY /],
    [{ TRUST_PROXY: '10.0.0.1, proxy.example' }, /^TRUST_PROXY .*proxy\.example/],
    [{ TRUST_PROXY: '127.1' }, /^TRUST_PROXY .*"127\.1"/],
    [{ TRUST_PROXY: '10.0.0.0/33' }, /^TRUST_PROXY .*"10\.0\.0\.0\/33"/],
    [{ DATABASE_STATEMENT_TIMEOUT_MS: '20000' }, /^DATABASE_QUERY_TIMEOUT_MS .* longer than/],
    [{ SHUTDOWN_GRACE_MS: '-1' }, /^SHUTDOWN_GRACE_MS /],
    [{ BACKUP_INTERVAL_HOURS: 'daily' }, /^BACKUP_INTERVAL_HOURS /],
    [{ BACKUP_INTERVAL_HOURS: '-1' }, /^BACKUP_INTERVAL_HOURS /],
    [{ BACKUP_INTERVAL_HOURS: '577' }, /^BACKUP_INTERVAL_HOURS .* to 576 /],
    [{ BACKUP_KEEP: '0' }, /^BACKUP_KEEP /],
  ])('%j is refused with a message naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});

it('takes PostgreSQL itself for the client tools when DATABASE_URL is a pooler', () => {
  const pooled = { DATABASE_URL: 'postgres://u@pooler:6432/db' };
  expect(loadConfig(pooled).database).toEqual({ engine: 'postgres', url: pooled.DATABASE_URL });
  expect(
    loadConfig({ ...pooled, DATABASE_DIRECT_URL: 'postgres://u@primary:5432/db' }).database,
  ).toEqual({
    engine: 'postgres',
    url: pooled.DATABASE_URL,
    directUrl: 'postgres://u@primary:5432/db',
  });
});

it('backs up a SQLite file daily by default, PostgreSQL only when asked', () => {
  expect(loadConfig({}).backup).toEqual({
    dir: resolve('data/backups'),
    intervalHours: 24,
    keep: 7,
    lockTimeoutMs: 30_000,
    timeoutMs: 600_000,
  });
  const postgres = { DATABASE_URL: 'postgres://u@h/db' };
  expect(loadConfig(postgres).backup.intervalHours).toBe(0);
  expect(loadConfig({ ...postgres, BACKUP_INTERVAL_HOURS: '0.5' }).backup.intervalHours).toBe(0.5);
  expect(loadConfig({ BACKUP_INTERVAL_HOURS: '0' }).backup.intervalHours).toBe(0);
  expect(loadConfig({ BACKUP_DIR: '/srv/backups', BACKUP_KEEP: '30' }).backup).toMatchObject({
    dir: '/srv/backups',
    keep: 30,
  });
  const bounds = { BACKUP_LOCK_TIMEOUT_MS: '2000', BACKUP_TIMEOUT_MS: '60000' };
  expect(loadConfig(bounds).backup).toMatchObject({ lockTimeoutMs: 2000, timeoutMs: 60_000 });
  expect(() => loadConfig({ BACKUP_TIMEOUT_MS: '0' })).toThrow('BACKUP_TIMEOUT_MS');
});

it('reads TRUST_PROXY as the proxies to trust, off by default', () => {
  expect(loadConfig({}).trustProxy).toBe(false);
  expect(loadConfig({ TRUST_PROXY: 'false' }).trustProxy).toBe(false);
  const proxies = 'loopback, 10.0.0.2, 10.1.0.0/16, 192.168.1.0/24, ::1, fd12:3456::/32, fe80::1';
  expect(loadConfig({ TRUST_PROXY: proxies }).trustProxy).toEqual([
    'loopback',
    '10.0.0.2',
    '10.1.0.0/16',
    '192.168.1.0/24',
    '::1',
    'fd12:3456::/32',
    'fe80::1',
  ]);
  // IPv4-mapped IPv6 is read as the IPv4 it maps, as Fastify's proxy-addr reads it.
  expect(loadConfig({ TRUST_PROXY: '::ffff:10.0.0.2, ::ffff:a00:0/120' }).trustProxy).toEqual([
    '::ffff:10.0.0.2',
    '::ffff:a00:0/120',
  ]);
});

it.each([
  // everything, or a large share of it
  ['0.0.0.0/0', /"0\.0\.0\.0\/0": \/0 spans/],
  ['0.0.0.0/1', /\/1 spans/],
  ['128.0.0.0/7', /\/7 spans/],
  ['::/0', /\/0 spans/],
  ['2000::/3', /\/3 spans/],
  ['::ffff:0:0/96', /"::ffff:0:0\/96": \/0 spans/],
  ['::ffff:0.0.0.0/100', /\/4 spans/],
  // a whole space any host of a LAN can be in
  ['uniquelocal', /"uniquelocal": it holds all of 10\.0\.0\.0\/8/],
  ['linklocal', /"linklocal": it holds all of 169\.254\.0\.0\/16/],
  ['10.0.0.0/8', /all of 10\.0\.0\.0\/8/],
  ['172.0.0.0/8', /all of 172\.16\.0\.0\/12/],
  ['192.168.0.0/16', /all of 192\.168\.0\.0\/16/],
  ['192.160.0.0/12', /all of 192\.168\.0\.0\/16/],
  ['169.254.0.0/16', /all of 169\.254\.0\.0\/16/],
  ['::ffff:192.168.0.0/112', /all of 192\.168\.0\.0\/16/],
  ['fc00::/7', /\/7 spans/],
  ['fd00::/8', /all of fd00::\/8/],
  ['fe80::/10', /all of fe80::\/10/],
  ['fe80:0000::/9', /all of fe80::\/10/],
  ['::/64', /all of ::ffff:0:0\/96/],
])('refuses TRUST_PROXY=%s, a catch-all, with one line naming the variable', (value, reason) => {
  const env = { TRUST_PROXY: `127.0.0.1, ${value}` };
  expect(() => loadConfig(env)).toThrow(ConfigError);
  expect(() => loadConfig(env)).toThrow(
    /^TRUST_PROXY must not trust a range any client could be in/,
  );
  expect(() => loadConfig(env)).toThrow(reason);
});

describe('SECRET_KEY in production', () => {
  const production = (secret: string) => () =>
    loadConfig({ NODE_ENV: 'production', SECRET_KEY: secret });

  it('refuses a key under 32 bytes, counted in UTF-8 bytes', () => {
    expect(production('a')).toThrow(ConfigError);
    expect(production('a')).toThrow(/^SECRET_KEY must be at least 32 bytes .*\(got 1\)/);
    expect(production('x'.repeat(31))).toThrow(/\(got 31\)/);
    // 16 characters, 32 bytes: accepted; 15 of them (30 bytes) are not.
    expect(production('é'.repeat(16))().auth.secretKey).toBe('é'.repeat(16));
    expect(production('é'.repeat(15))).toThrow(/\(got 30\)/);
    // The key is used trimmed, so it is measured trimmed.
    expect(production(` ${'x'.repeat(31)} `)).toThrow(/\(got 31\)/);
    expect(production('x'.repeat(32))().auth.secretKey).toBe('x'.repeat(32));
  });

  it('lets development and tests keep a short key', () => {
    expect(loadConfig({ SECRET_KEY: 'a' }).auth.secretKey).toBe('a');
    expect(loadConfig({ NODE_ENV: 'test', SECRET_KEY: 'a' }).auth.secretKey).toBe('a');
  });
});

describe('parseDatabaseUrl', () => {
  it.each([
    ['sqlite:/var/lib/wp.sqlite', { engine: 'sqlite', path: '/var/lib/wp.sqlite' }],
    ['sqlite:///var/lib/wp.sqlite', { engine: 'sqlite', path: '/var/lib/wp.sqlite' }],
    ['sqlite:data/x.sqlite', { engine: 'sqlite', path: resolve('data/x.sqlite') }],
    ['sqlite::memory:', { engine: 'sqlite', path: ':memory:' }],
    ['postgres://u@h:5432/db', { engine: 'postgres', url: 'postgres://u@h:5432/db' }],
    ['postgresql://u@h/db', { engine: 'postgres', url: 'postgresql://u@h/db' }],
  ])('%s', (url, target) => {
    expect(parseDatabaseUrl(url)).toEqual(target);
  });

  it.each(['sqlite:', 'mysql://h/db', 'postgres://h:port/db'])('refuses %s', (url) => {
    expect(() => parseDatabaseUrl(url)).toThrow(/DATABASE_URL/);
  });
});
