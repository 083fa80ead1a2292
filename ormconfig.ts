import 'reflect-metadata';
import { loadConfig } from './src/config/configuration';
import { buildDataSourceOptions } from './src/database/data-source.options';
import { AtomicMigrationsDataSource } from './src/database/run-migrations';

// Used by the TypeORM CLI (`npm run migration:*`); the app builds the same options in AppModule.
export default new AtomicMigrationsDataSource(buildDataSourceOptions(loadConfig().database));
