import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DataSource, DataSourceOptions } from 'typeorm';
import type { DatabaseTarget } from '../config/database-url';
import { ENTITIES } from './entities';
import { MIGRATIONS } from '../../migrations';

// The previous backend stored naive UTC timestamps; both drivers read naive values in the
// process time zone, so the process runs in UTC.
process.env.TZ = 'UTC';

export const SQLITE_BUSY_TIMEOUT_MS = 5000;

/** One definition of the connection, shared by the app and the TypeORM CLI (ormconfig.ts). */
export function buildDataSourceOptions(target: DatabaseTarget): DataSourceOptions {
  const common = {
    entities: ENTITIES,
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
      timeout: SQLITE_BUSY_TIMEOUT_MS,
      prepareDatabase: (db: { pragma(sql: string): unknown }) => {
        db.pragma('synchronous = NORMAL');
      },
    };
  }
  return {
    ...common,
    type: 'postgres',
    url: target.url,
    // A request must never wait forever for a pooled connection.
    extra: { max: 10, connectionTimeoutMillis: 5000 },
  };
}

/** SQLite: WAL lets readers run during a write; the mode is stored in the file, so once is enough. */
export async function enableWriteAheadLog(dataSource: DataSource): Promise<void> {
  if (dataSource.options.type !== 'better-sqlite3' || dataSource.options.database === ':memory:') {
    return;
  }
  await dataSource.query('PRAGMA journal_mode = WAL');
}
