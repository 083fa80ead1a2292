import 'reflect-metadata';
import { readDatabase } from './src/config/configuration';
import { buildDataSourceOptions } from './src/database/data-source.options';
import { AtomicMigrationsDataSource } from './src/database/run-migrations';

// Used by the TypeORM CLI (`npm run migration:*`): only DATABASE_URL is read (no SECRET_KEY or
// other server settings), and the connection is a maintenance one (no request timeouts).
export default new AtomicMigrationsDataSource(buildDataSourceOptions(readDatabase(process.env)));
