import { isAbsolute, resolve } from 'node:path';

export interface PostgresTarget {
  engine: 'postgres';
  url: string;
  /** DATABASE_DIRECT_URL: PostgreSQL itself, where `url` is a connection pooler's. */
  directUrl?: string;
}

export type DatabaseTarget = { engine: 'sqlite'; path: string } | PostgresTarget;

/**
 * Where a client that needs a session of its own connects (pg_dump, pg_restore: they set
 * session settings that a transaction-mode pooler would leave to the app's next transaction).
 */
export function sessionUrl(target: PostgresTarget): string {
  return target.directUrl ?? target.url;
}

export const DEFAULT_DATABASE_URL = 'sqlite:data/workout-planner.sqlite';

/**
 * Reads DATABASE_URL: `sqlite:<path>` (relative to the working directory, or absolute,
 * `sqlite::memory:` for an in-memory database) or a `postgres://` / `postgresql://` URL.
 */
export function parseDatabaseUrl(raw: string = DEFAULT_DATABASE_URL): DatabaseTarget {
  const url = raw.trim();
  if (url.startsWith('sqlite:')) {
    let path = url.slice('sqlite:'.length);
    if (path.startsWith('//')) path = path.slice(2); // sqlite:///abs/path or sqlite://rel
    if (path === '') throw new Error('DATABASE_URL: sqlite: needs a file path');
    if (path === ':memory:') return { engine: 'sqlite', path };
    return { engine: 'sqlite', path: isAbsolute(path) ? path : resolve(path) };
  }
  if (/^postgres(ql)?:\/\//.test(url)) {
    try {
      new URL(url);
    } catch {
      throw new Error('DATABASE_URL: not a valid PostgreSQL URL');
    }
    return { engine: 'postgres', url };
  }
  throw new Error(
    'DATABASE_URL: must start with sqlite:, postgres:// or postgresql:// (got an unsupported scheme)',
  );
}

/** Where the command works, for messages: the file, or the URL without its password. */
export function describeTarget(target: DatabaseTarget): string {
  if (target.engine === 'sqlite') return `SQLite file ${target.path}`;
  const url = new URL(target.url);
  if (url.password) url.password = '***';
  return `PostgreSQL ${url.toString()}`;
}
