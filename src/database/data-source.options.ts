import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DataSource, DataSourceOptions } from 'typeorm';
import type { PoolLimits } from '../config/configuration';
import type { DatabaseTarget } from '../config/database-url';
import { MIGRATIONS } from '../../migrations';

// The previous backend stored naive UTC timestamps; both drivers read naive values in the
// process time zone, so the process runs in UTC.
process.env.TZ = 'UTC';

/**
 * SQLite, serving requests: how long a statement waits, blocking the event loop (better-sqlite3
 * is synchronous), for another process's write lock. Longer waits are the write path's,
 * asynchronous and jittered.
 */
export const SQLITE_BUSY_TIMEOUT_MS = 20;

/** SQLite, migrations and command-line tools: nothing else to serve, so wait a process's turn. */
export const SQLITE_MAINTENANCE_BUSY_TIMEOUT_MS = 60_000;

/**
 * What the connection is for: serving requests (bounded waits and timeouts, from the
 * configuration), or maintenance (migrations, command-line tools: no timeouts, long waits).
 */
export type ConnectionUse = { use: 'requests'; pool: PoolLimits } | { use: 'maintenance' };

const MAINTENANCE: ConnectionUse = { use: 'maintenance' };

/**
 * One definition of the connection, shared by the app, the TypeORM CLI and the scripts.
 * `entities`: the app's are registered by the features that own them (autoLoadEntities); the
 * TypeORM CLI lists them all (ormconfig.ts); raw-SQL tools need none.
 */
export function buildDataSourceOptions(
  target: DatabaseTarget,
  connection: ConnectionUse = MAINTENANCE,
  entities: DataSourceOptions['entities'] = [],
): DataSourceOptions {
  const common = {
    entities,
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'all' as const,
    synchronize: false,
    logging: false,
  };
  if (target.engine === 'sqlite') {
    if (target.path !== ':memory:') mkdirSync(dirname(target.path), { recursive: true });
    return {
      ...common,
      type: 'better-sqlite3',
      database: target.path,
      // No `enableWAL` here: switching a legacy file to WAL rewrites its header before the
      // migrations run, so a failed migration could not leave it byte-identical. The app
      // switches after its migrations (enableWriteAheadLog); the CLI and scripts leave the mode.
      timeout:
        connection.use === 'requests' ? SQLITE_BUSY_TIMEOUT_MS : SQLITE_MAINTENANCE_BUSY_TIMEOUT_MS,
      prepareDatabase: (db: { pragma(sql: string): unknown }) => {
        db.pragma('synchronous = NORMAL');
      },
    };
  }
  return { ...common, type: 'postgres', url: target.url, extra: postgresPool(connection) };
}

/** node-postgres pool options; a silent network must not hold a pooled connection forever. */
function postgresPool(connection: ConnectionUse): Record<string, unknown> {
  if (connection.use === 'maintenance') {
    return { max: 2, connectionTimeoutMillis: 30_000, keepAlive: true };
  }
  const { pool } = connection;
  return {
    max: pool.size,
    connectionTimeoutMillis: pool.connectTimeoutMs,
    // The statement timeout is no connection parameter (a pooler such as PgBouncer refuses
    // unknown ones): the transaction runner sets it in each transaction. node-postgres leaves a
    // timeout of 0 unset: no limit.
    query_timeout: pool.queryTimeoutMs || undefined,
    keepAlive: pool.keepAliveDelayMs > 0,
    keepAliveInitialDelayMillis: pool.keepAliveDelayMs,
  };
}

/** SQLite: WAL lets readers run during a write; the mode is stored in the file, so once is enough. */
export async function enableWriteAheadLog(dataSource: DataSource): Promise<void> {
  if (dataSource.options.type !== 'better-sqlite3' || dataSource.options.database === ':memory:') {
    return;
  }
  await dataSource.query('PRAGMA journal_mode = WAL');
}
