import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { loadConfig } from './src/config/configuration';
import { buildDataSourceOptions } from './src/database/data-source.options';

// Used by the TypeORM CLI (`npm run migration:*`); the app builds the same options in AppModule.
export default new DataSource(buildDataSourceOptions(loadConfig().database));
