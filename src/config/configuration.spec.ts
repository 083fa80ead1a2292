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
    [{ NODE_ENV: 'production' }, /SECRET_KEY/],
    [{ TRUST_PROXY: '1' }, /^TRUST_PROXY .*hop count/],
    [{ TRUST_PROXY: 'true' }, /^TRUST_PROXY /],
    [{ TRUST_PROXY: '10.0.0.1, proxy.example' }, /^TRUST_PROXY .*proxy\.example/],
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
  expect(loadConfig({ TRUST_PROXY: 'loopback, 10.0.0.0/8, ::1' }).trustProxy).toEqual([
    'loopback',
    '10.0.0.0/8',
    '::1',
  ]);
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
