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
  };
}
