import { randomBytes } from 'node:crypto';
import { DatabaseTarget, DEFAULT_DATABASE_URL, parseDatabaseUrl } from './database-url';

export type NodeEnv = 'development' | 'production' | 'test';
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface AppConfig {
  nodeEnv: NodeEnv;
  host: string;
  port: number;
  logLevel: LogLevel;
  database: DatabaseTarget;
  migrationsRun: boolean;
  auth: AuthConfig;
  /** Production only: origins allowed by CORS (development allows http://localhost:3000). */
  corsOrigins: string[];
  /** The built frontend to serve at `/`, or null to serve the API only. */
  frontendDir: string | null;
  triClubScheduleFile: string;
  weeklyTargetsFile: string;
}

export interface AuthConfig {
  secretKey: string;
  /** True when SECRET_KEY was unset outside production and a per-process secret was made. */
  secretGenerated: boolean;
  tokenLifetimeHours: number;
  loginAttemptsPerMinute: number;
}

/** Thrown for a bad or missing environment variable; its message names the variable. */
export class ConfigError extends Error {}

type Env = Record<string, string | undefined>;

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

export function readDatabase(env: Env): DatabaseTarget {
  try {
    return parseDatabaseUrl(env.DATABASE_URL?.trim() || DEFAULT_DATABASE_URL);
  } catch (error) {
    throw new ConfigError((error as Error).message);
  }
}

export function readAuth(env: Env, nodeEnv: NodeEnv): AuthConfig {
  const secret = env.SECRET_KEY?.trim();
  if (!secret && nodeEnv === 'production') {
    throw new ConfigError('SECRET_KEY is required when NODE_ENV=production');
  }
  return {
    secretKey: secret || randomBytes(32).toString('hex'),
    secretGenerated: !secret,
    tokenLifetimeHours: readInt(env, 'ACCESS_TOKEN_LIFETIME_HOURS', 720, 1, 24 * 366),
    loginAttemptsPerMinute: readInt(env, 'LOGIN_ATTEMPTS_PER_MINUTE', 10, 1, 100_000),
  };
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
  return {
    nodeEnv,
    host: env.HOST?.trim() || '0.0.0.0',
    port: readInt(env, 'PORT', 5000, 1, 65535),
    logLevel: readEnum<LogLevel>(env, 'LOG_LEVEL', LOG_LEVELS, 'info'),
    database: readDatabase(env),
    migrationsRun: readBool(env, 'MIGRATIONS_RUN', true),
    auth: readAuth(env, nodeEnv),
    corsOrigins: readList(env, 'CORS_ORIGINS'),
    frontendDir: env.FRONTEND_DIR?.trim() || null,
    triClubScheduleFile: env.TRI_CLUB_SCHEDULE_FILE?.trim() || 'config/tri-club-schedule.json',
    weeklyTargetsFile: env.WEEKLY_TARGETS_FILE?.trim() || 'config/weekly-targets.json',
  };
}
