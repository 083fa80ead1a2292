import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { DatabaseTarget, DEFAULT_DATABASE_URL, parseDatabaseUrl } from './database-url';
import { catchAllReason, proxyRanges } from './trust-proxy';

export type NodeEnv = 'development' | 'production' | 'test';
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface AppConfig {
  nodeEnv: NodeEnv;
  host: string;
  port: number;
  logLevel: LogLevel;
  database: DatabaseTarget;
  /** How requests use PostgreSQL connections (SQLite ignores it). */
  databasePool: PoolLimits;
  migrationsRun: boolean;
  /** How long in-flight requests may take to finish after SIGTERM/SIGINT. */
  shutdownGraceMs: number;
  /** Fastify's `trustProxy`: false, or the addresses/CIDRs of the trusted reverse proxies. */
  trustProxy: false | string[];
  auth: AuthConfig;
  /** Production only: origins allowed by CORS (development allows http://localhost:3000). */
  corsOrigins: string[];
  /** The built frontend to serve at `/`, or null to serve the API only. */
  frontendDir: string | null;
  triClubScheduleFile: ConfigFile;
  weeklyTargetsFile: ConfigFile;
  weather: WeatherConfig;
  caldav: CaldavConfig;
  /** Bearer token of GET /api/metrics; null: the metrics are off (404). */
  metricsToken: string | null;
  backup: BackupConfig;
}

/** Where backups go and how often the server takes one. */
export interface BackupConfig {
  /** Absolute path of the backup folder. */
  dir: string;
  /** Hours between scheduled backups (fractions allowed); 0: none. */
  intervalHours: number;
  /** How many backups to keep; the oldest of this tool's files go first. */
  keep: number;
  /** PostgreSQL: pg_dump's longest wait for a table lock. */
  lockTimeoutMs: number;
  /** PostgreSQL: the longest run of pg_dump or pg_restore; then it is stopped. */
  timeoutMs: number;
}

/** The defaults of BACKUP_LOCK_TIMEOUT_MS and BACKUP_TIMEOUT_MS, for tools without a config. */
export const BACKUP_TOOL_DEFAULTS = { lockTimeoutMs: 30_000, timeoutMs: 600_000 } as const;

export interface AuthConfig {
  secretKey: string;
  /** True when SECRET_KEY was unset outside production and a per-process secret was made. */
  secretGenerated: boolean;
  tokenLifetimeHours: number;
  loginAttemptsPerMinute: number;
  /** How long a user id, once found, is trusted without asking the database again. */
  userCacheSeconds: number;
}

/** A JSON file the frontend reads through the API, and whether the operator named it. */
export interface ConfigFile {
  path: string;
  /** False: the default path, which may well not exist (nothing planned, not an error). */
  configured: boolean;
}

/** PostgreSQL pool and timeouts; 0 switches a timeout off. */
export interface PoolLimits {
  size: number;
  /** Waiting for a pooled connection, or for a new one to open. */
  connectTimeoutMs: number;
  /** Server side: PostgreSQL cancels a statement running longer. */
  statementTimeoutMs: number;
  /** Client side: an answer that never comes (a silent network) frees its connection. */
  queryTimeoutMs: number;
  /** TCP keepalive on idle connections, so a dead peer is noticed. */
  keepAliveDelayMs: number;
}

/** Open-Meteo forecast upstream (defaults: the previous backend's fixed location and units). */
export interface WeatherConfig {
  baseUrl: string;
  latitude: number;
  longitude: number;
  timezone: string;
  temperatureUnit: 'fahrenheit' | 'celsius';
  windSpeedUnit: 'mph' | 'kmh' | 'ms' | 'kn';
  cacheSeconds: number;
  timeoutMs: number;
}

/** CalDAV export target; the credentials stay optional so the app boots without them. */
export interface CaldavConfig {
  url?: string;
  username?: string;
  password?: string;
  calendarName?: string;
  eventTitle: string;
  timeoutMs: number;
}

export const DEFAULT_WEATHER_BASE_URL = 'https://api.open-meteo.com/v1/forecast';

/** Thrown for a bad or missing environment variable; its message names the variable. */
export class ConfigError extends Error {}

export type Env = Record<string, string | undefined>;

function readEnum<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const value = env[name]?.trim();
  if (value === undefined || value === '') return fallback;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new ConfigError(`${name} must be one of ${allowed.join(', ')} (got "${value}")`);
  }
  return value as T;
}

export function readInt(
  env: Env,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const value = env[name]?.trim();
  if (value === undefined || value === '') return fallback;
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new ConfigError(`${name} must be an integer from ${min} to ${max} (got "${value}")`);
  }
  return Number(value);
}

export function readBool(env: Env, name: string, fallback: boolean): boolean {
  const value = env[name]?.trim().toLowerCase();
  if (value === undefined || value === '') return fallback;
  if (['true', '1', 'yes'].includes(value)) return true;
  if (['false', '0', 'no'].includes(value)) return false;
  throw new ConfigError(`${name} must be true or false (got "${env[name]}")`);
}

function readNumber(env: Env, name: string, fallback: number, min: number, max: number): number {
  const value = env[name]?.trim();
  if (value === undefined || value === '') return fallback;
  const number = Number(value);
  if (!/^-?\d+(\.\d+)?$/.test(value) || number < min || number > max) {
    throw new ConfigError(`${name} must be a number from ${min} to ${max} (got "${value}")`);
  }
  return number;
}

function readUrl(env: Env, name: string, fallback?: string): string | undefined {
  const value = env[name]?.trim() || fallback;
  if (value === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`${name} must be an http(s) URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(`${name} must be an http(s) URL`);
  }
  return value;
}

function readTimeZone(env: Env, name: string, fallback: string): string {
  const value = env[name]?.trim() || fallback;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
  } catch {
    throw new ConfigError(
      `${name} must be an IANA time zone such as America/Chicago (got "${value}")`,
    );
  }
  return value;
}

const optional = (env: Env, name: string): string | undefined => env[name]?.trim() || undefined;

export function readWeather(env: Env): WeatherConfig {
  return {
    baseUrl: readUrl(env, 'WEATHER_BASE_URL', DEFAULT_WEATHER_BASE_URL) as string,
    latitude: readNumber(env, 'WEATHER_LATITUDE', 41.795604164195446, -90, 90),
    longitude: readNumber(env, 'WEATHER_LONGITUDE', -87.57838836383468, -180, 180),
    timezone: readTimeZone(env, 'WEATHER_TIMEZONE', 'America/Chicago'),
    temperatureUnit: readEnum(
      env,
      'WEATHER_TEMPERATURE_UNIT',
      ['fahrenheit', 'celsius'],
      'fahrenheit',
    ),
    windSpeedUnit: readEnum(env, 'WEATHER_WIND_SPEED_UNIT', ['mph', 'kmh', 'ms', 'kn'], 'mph'),
    cacheSeconds: readInt(env, 'WEATHER_CACHE_SECONDS', 900, 0, 86_400),
    // Below the frontend's own 5 s abort, so it sees our 503 rather than its timeout.
    timeoutMs: readInt(env, 'WEATHER_TIMEOUT_MS', 4000, 1, 60_000),
  };
}

export function readCaldav(env: Env): CaldavConfig {
  // The password is kept verbatim: surrounding spaces may be part of it.
  const password = env.CALDAV_PASSWORD === '' ? undefined : env.CALDAV_PASSWORD;
  return {
    url: readUrl(env, 'CALDAV_URL'),
    username: optional(env, 'CALDAV_USERNAME'),
    password,
    calendarName: optional(env, 'CALDAV_CALENDAR_NAME'),
    eventTitle: optional(env, 'CALDAV_EVENT_TITLE') ?? 'Workout schedule',
    timeoutMs: readInt(env, 'CALDAV_TIMEOUT_MS', 10_000, 1, 120_000),
  };
}

export function readDatabase(env: Env): DatabaseTarget {
  let target: DatabaseTarget;
  try {
    target = parseDatabaseUrl(env.DATABASE_URL?.trim() || DEFAULT_DATABASE_URL);
  } catch (error) {
    throw new ConfigError((error as Error).message);
  }
  const direct = env.DATABASE_DIRECT_URL?.trim();
  if (!direct) return target;
  // Read as DATABASE_URL is: only a valid PostgreSQL URL will do.
  let parsed: DatabaseTarget | undefined;
  try {
    parsed = parseDatabaseUrl(direct);
  } catch {
    // refused below, with the variable's own name
  }
  if (target.engine !== 'postgres' || parsed?.engine !== 'postgres') {
    throw new ConfigError(
      'DATABASE_DIRECT_URL must be a valid postgres:// URL, beside a PostgreSQL DATABASE_URL',
    );
  }
  return { ...target, directUrl: parsed.url };
}

/** Scheduled backups: on by default for a SQLite file (a day apart), off for PostgreSQL. */
export function readBackup(env: Env, database: DatabaseTarget): BackupConfig {
  const fileDefault = database.engine === 'sqlite' && database.path !== ':memory:';
  return {
    dir: resolve(env.BACKUP_DIR?.trim() || 'data/backups'),
    // At most 24 days: a timer cannot wait longer (2^31 ms).
    intervalHours: readNumber(env, 'BACKUP_INTERVAL_HOURS', fileDefault ? 24 : 0, 0, 24 * 24),
    keep: readInt(env, 'BACKUP_KEEP', 7, 1, 10_000),
    lockTimeoutMs: readInt(
      env,
      'BACKUP_LOCK_TIMEOUT_MS',
      BACKUP_TOOL_DEFAULTS.lockTimeoutMs,
      1,
      3_600_000,
    ),
    timeoutMs: readInt(env, 'BACKUP_TIMEOUT_MS', BACKUP_TOOL_DEFAULTS.timeoutMs, 1, 86_400_000),
  };
}

export function readPoolLimits(env: Env): PoolLimits {
  const statementTimeoutMs = readInt(env, 'DATABASE_STATEMENT_TIMEOUT_MS', 10_000, 0, 3_600_000);
  const queryTimeoutMs = readInt(env, 'DATABASE_QUERY_TIMEOUT_MS', 15_000, 0, 3_600_000);
  if (queryTimeoutMs > 0 && statementTimeoutMs > 0 && queryTimeoutMs <= statementTimeoutMs) {
    throw new ConfigError(
      `DATABASE_QUERY_TIMEOUT_MS (${queryTimeoutMs}) must be longer than DATABASE_STATEMENT_TIMEOUT_MS (${statementTimeoutMs}), so PostgreSQL's own cancel comes first`,
    );
  }
  return {
    size: readInt(env, 'DATABASE_POOL_SIZE', 10, 1, 1000),
    connectTimeoutMs: readInt(env, 'DATABASE_CONNECT_TIMEOUT_MS', 5000, 1, 600_000),
    statementTimeoutMs,
    queryTimeoutMs,
    keepAliveDelayMs: readInt(env, 'DATABASE_KEEPALIVE_DELAY_MS', 10_000, 0, 3_600_000),
  };
}

/**
 * TRUST_PROXY: unset (or false), or the reverse proxies' addresses, CIDRs or `loopback`,
 * comma-separated. Not a hop count nor `true`: those would let a client that reaches the server
 * directly pick its own address with X-Forwarded-For (Fastify 5.12 no longer trusts anything
 * for a hop count, for that reason). Nor a catch-all (`uniquelocal`, `linklocal`, `0.0.0.0/1`,
 * `10.0.0.0/8`...): any host in it could do the same (see catchAllReason).
 */
export function readTrustProxy(env: Env): false | string[] {
  const value = env.TRUST_PROXY?.trim();
  if (value === undefined || value === '' || value.toLowerCase() === 'false') return false;
  const proxies = readList(env, 'TRUST_PROXY');
  for (const proxy of proxies) {
    const ranges = proxyRanges(proxy);
    if (ranges === null) {
      throw new ConfigError(
        `TRUST_PROXY must list the reverse proxies' addresses or CIDRs, e.g. 127.0.0.1 or loopback (got "${proxy}"); a hop count or true would let clients choose their own address`,
      );
    }
    for (const range of ranges) {
      const reason = catchAllReason(range);
      if (reason !== null) {
        throw new ConfigError(
          `TRUST_PROXY must not trust a range any client could be in (got "${proxy}": ${reason}); list the proxies' own addresses, e.g. 10.0.0.2 or loopback`,
        );
      }
    }
  }
  return proxies;
}

/** An HS256 key shorter than the hash (RFC 7518: 256 bits) can be brute-forced offline from one token. */
const MIN_SECRET_BYTES = 32;

export function readAuth(env: Env, nodeEnv: NodeEnv): AuthConfig {
  const secret = env.SECRET_KEY?.trim();
  if (nodeEnv === 'production') {
    if (!secret) throw new ConfigError('SECRET_KEY is required when NODE_ENV=production');
    const bytes = Buffer.byteLength(secret, 'utf8');
    if (bytes < MIN_SECRET_BYTES) {
      throw new ConfigError(
        `SECRET_KEY must be at least ${MIN_SECRET_BYTES} bytes (UTF-8) when NODE_ENV=production (got ${bytes}), e.g. the 64 hex digits of openssl rand -hex 32`,
      );
    }
  }
  return {
    secretKey: secret || randomBytes(32).toString('hex'),
    secretGenerated: !secret,
    tokenLifetimeHours: readInt(env, 'ACCESS_TOKEN_LIFETIME_HOURS', 720, 1, 24 * 366),
    loginAttemptsPerMinute: readInt(env, 'LOGIN_ATTEMPTS_PER_MINUTE', 10, 1, 100_000),
    userCacheSeconds: readInt(env, 'AUTH_USER_CACHE_SECONDS', 5, 0, 60),
  };
}

function readConfigFile(env: Env, name: string, fallback: string): ConfigFile {
  const value = env[name]?.trim();
  return value ? { path: value, configured: true } : { path: fallback, configured: false };
}

/** A comma-separated list; blanks dropped. */
export function readList(env: Env, name: string): string[] {
  return (env[name] ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

/** Builds the typed configuration from the environment; throws ConfigError on the first bad value. */
export function loadConfig(env: Env = process.env): AppConfig {
  const nodeEnv = readEnum<NodeEnv>(
    env,
    'NODE_ENV',
    ['development', 'production', 'test'],
    'development',
  );
  const database = readDatabase(env);
  return {
    nodeEnv,
    host: env.HOST?.trim() || '0.0.0.0',
    port: readInt(env, 'PORT', 5000, 1, 65535),
    logLevel: readEnum<LogLevel>(env, 'LOG_LEVEL', LOG_LEVELS, 'info'),
    database,
    databasePool: readPoolLimits(env),
    migrationsRun: readBool(env, 'MIGRATIONS_RUN', true),
    shutdownGraceMs: readInt(env, 'SHUTDOWN_GRACE_MS', 10_000, 0, 600_000),
    trustProxy: readTrustProxy(env),
    auth: readAuth(env, nodeEnv),
    corsOrigins: readList(env, 'CORS_ORIGINS'),
    frontendDir: env.FRONTEND_DIR?.trim() || null,
    triClubScheduleFile: readConfigFile(
      env,
      'TRI_CLUB_SCHEDULE_FILE',
      'config/tri-club-schedule.json',
    ),
    weeklyTargetsFile: readConfigFile(env, 'WEEKLY_TARGETS_FILE', 'config/weekly-targets.json'),
    weather: readWeather(env),
    caldav: readCaldav(env),
    // Kept verbatim, like a password.
    metricsToken: env.METRICS_TOKEN || null,
    backup: readBackup(env, database),
  };
}
