import { Test } from '@nestjs/testing';
import request from 'supertest';
import TestAgent from 'supertest/lib/agent';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { AppModule, EnvOverrides } from '../../src/app.module';
import { configureApp } from '../../src/app.setup';
import { createTestDatabase, Engine, TestDatabase } from './test-database';

export interface TestApp {
  app: NestExpressApplication;
  /** The app's own DataSource, for assertions on rows. */
  dataSource: DataSource;
  db: TestDatabase;
  /** HTTP client for the app; later issues give it the credentials every private route needs. */
  http: TestAgent;
  /** Runs SQL written with `?` placeholders on either engine. */
  sql<T = Record<string, unknown>>(query: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

/** Boots the real app (migrations applied) on a database of its own, listening on a free port. */
export async function startTestApp(
  engine: Engine,
  env: EnvOverrides = {},
  existing?: TestDatabase,
): Promise<TestApp> {
  const db = existing ?? (await createTestDatabase(engine));
  const moduleRef = await Test.createTestingModule({
    imports: [
      AppModule.forRoot({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DATABASE_URL: db.url, ...env }),
    ],
  }).compile();
  const app = configureApp(
    moduleRef.createNestApplication<NestExpressApplication>({ bodyParser: false, logger: false }),
  );
  await app.listen(0, '127.0.0.1');
  const dataSource = app.get<DataSource>(getDataSourceToken());
  return {
    app,
    dataSource,
    db,
    http: request.agent(app.getHttpServer()),
    sql: (query, params = []) => {
      let n = 0;
      const text = engine === 'postgres' ? query.replace(/\?/g, () => `$${++n}`) : query;
      return dataSource.query(text, params);
    },
    close: async () => {
      await app.close();
      if (!existing) await db.drop();
    },
  };
}

/** The listening server, for requests without the default credentials of `http`. */
export const server = (t: TestApp) => t.app.getHttpServer();
