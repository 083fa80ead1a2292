import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DataSourceOptions } from 'typeorm';
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
      enableWAL: true,
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
