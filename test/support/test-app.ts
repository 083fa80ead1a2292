import { NestFactory } from '@nestjs/core';
import request from 'supertest';
import TestAgent from 'supertest/lib/agent';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { AppModule } from '../../src/app.module';
import { configureApp, createHttpAdapter } from '../../src/app.setup';
import { hashPassword } from '../../src/users/password-hasher';
import { TokenService } from '../../src/auth/token.service';
import { Env, LogLevel, readTrustProxy } from '../../src/config/configuration';
import { sql as sqlOn } from './sql';
import { createTestDatabase, Engine, TestDatabase } from './test-database';
import { insertUser } from './users';

export interface TestApp {
  app: NestFastifyApplication;
  /** The app's own DataSource, for assertions on rows. */
  dataSource: DataSource;
  db: TestDatabase;
  /** The listening server's base URL (`http://127.0.0.1:<port>`), for fetch. */
  url: string;
  /** HTTP client for the app, sending `Authorization: Bearer <token>` of `user` by default. */
  http: TestAgent;
  /** The user the harness created, and a valid token of it. */
  user: { id: number; username: string; password: string };
  token: string;
  /** SECRET_KEY of this app (to forge or expire tokens in tests). */
  secret: string;
  /** The app's log lines so far, parsed (LOG_LEVEL is `silent` unless the spec sets one). */
  logs(): Record<string, unknown>[];
  /** Runs SQL written with `?` placeholders on either engine. */
  sql<T = Record<string, unknown>>(query: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

export const TEST_SECRET = 'e2e-test-secret-key';
export const TEST_USER = { username: 'athlete', password: 'correct horse battery' };

// Hashing is deliberately slow: one hash per spec file is enough.
let testUserHash: Promise<string> | undefined;

/**
 * Boots the real app (migrations applied) on a database of its own, listening on a free port.
 * Its environment is the harness's defaults and `env` (a value of `undefined` removes one),
 * nothing from the shell that runs the tests. A database created here is dropped if boot fails.
 */
export async function startTestApp(
  engine: Engine,
  env: Env = {},
  existing?: TestDatabase,
): Promise<TestApp> {
  const db = existing ?? (await createTestDatabase(engine));
  try {
    return await boot(db, env, !existing);
  } catch (error) {
    if (!existing) await db.drop();
    throw error;
  }
}

async function boot(db: TestDatabase, env: Env, ownsDatabase: boolean): Promise<TestApp> {
  const appEnv: Env = {
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: db.url,
    SECRET_KEY: TEST_SECRET,
    // Only the rate-limit spec runs with the real limit (it passes its own value).
    LOGIN_ATTEMPTS_PER_MINUTE: '100000',
    // Nothing is in flight when a spec closes its app: no lame-duck wait (see the SIGTERM spec).
    SHUTDOWN_GRACE_MS: '0',
    // No backup into the working tree's data/backups; the backup spec sets its own folder.
    BACKUP_INTERVAL_HOURS: '0',
    ...env,
  };
  const logLines: string[] = [];
  const logSink = { write: (line: string) => void logLines.push(line) };
  // NestFactory rather than Test.createTestingModule: modules that pick their implementation
  // from the HTTP adapter at construction (ServeStaticModule's loader) need the real adapter.
  const app = await configureApp(
    await NestFactory.create<NestFastifyApplication>(
      AppModule.forRoot(appEnv),
      createHttpAdapter(
        {
          logLevel: (appEnv.LOG_LEVEL ?? 'silent') as LogLevel,
          trustProxy: readTrustProxy(appEnv),
        },
        logSink,
      ),
      { bodyParser: false, logger: false, abortOnError: false },
    ),
  );
  try {
    await app.listen(0, '127.0.0.1');
    const dataSource = app.get<DataSource>(getDataSourceToken());
    const sql = <T>(query: string, params: unknown[] = []) => sqlOn<T>(dataSource, query, params);

    testUserHash ??= hashPassword(TEST_USER.password);
    const id = await insertUser(dataSource, TEST_USER.username, await testUserHash);
    const token = app.get(TokenService).issue(id);
    const http = request.agent(app.getHttpServer());
    http.set('Authorization', `Bearer ${token}`);

    return {
      app,
      dataSource,
      db,
      http,
      user: { id, ...TEST_USER },
      token,
      secret: appEnv.SECRET_KEY ?? TEST_SECRET,
      url: `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`,
      logs: () => logLines.map((line) => JSON.parse(line) as Record<string, unknown>),
      sql,
      close: async () => {
        await app.close();
        if (ownsDatabase) await db.drop();
      },
    };
  } catch (error) {
    await app.close().catch(() => undefined);
    throw error;
  }
}

/** The listening server, for requests without the default credentials of `http`. */
export const server = (t: TestApp) => t.app.getHttpServer();
