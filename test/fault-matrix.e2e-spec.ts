import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { hashPassword } from '../src/users/password-hasher';
import { DATABASE_UNAVAILABLE } from '../src/shared/domain-error';
import { RouteTable } from '../src/http/route-table';
import { Radicale, radicaleSkipped } from './support/radicale';
import { seedWorkouts } from './support/seed';
import { holdSqliteWriteLock } from './support/sqlite-lock';
import { TcpProxy } from './support/tcp-proxy';
import { startTestApp, TestApp } from './support/test-app';
import { createTestDatabase, ENGINES, TestDatabase } from './support/test-database';
import { insertUser } from './support/users';

/**
 * Every route that writes, under every fault of its engine: another process holding the SQLite
 * write lock for 3 s; the PostgreSQL connection cut through a TCP proxy, before the requests
 * and while they run. An answer may only be what the route answers anyway (2xx, or a refusal
 * that has nothing to do with the database) or 503 with Retry-After; and the database shows the
 * whole of a request's change or none of it.
 */

/** Runs SQL written with `?` placeholders, straight on the database (not through the proxy). */
type Sql = <T = Record<string, unknown>>(query: string, params?: unknown[]) => Promise<T[]>;

/** What the database shows of one request: 'untouched', 'done', or (a failure) what else. */
type State = string;

interface Prepared {
  method: string;
  path: string;
  body?: string;
  contentType?: string;
  /** A documented answer that does not depend on the database (register's 403). */
  refusal?: number;
  /** Its change is elsewhere (the CalDAV server): the database must stay untouched. */
  changesNothingHere?: true;
  state(): Promise<State>;
}

interface Context {
  t: TestApp;
  sql: Sql;
  tag: string;
  password: string;
  passwordHash: string;
}

const HEADER =
  'Title,WorkoutType,WorkoutDescription,PlannedDuration,PlannedDistanceInMeters,WorkoutDay,CoachComments,IF,TSS,TimeTotalInHours,DistanceInMeters';
const json = (body: object) => ({
  body: JSON.stringify(body),
  contentType: 'application/json',
});
const PLACED = { currentPlanDay: '2026-02-03', timeOfDay: 'evening', userNotes: 'matrix' };

interface SelectionRow {
  time_of_day: string | null;
  user_notes: string | null;
  day: string | null;
}

async function selectionOf(sql: Sql, workoutId: number): Promise<SelectionRow | undefined> {
  const rows = await sql<SelectionRow>(
    'SELECT time_of_day, user_notes, CAST(current_plan_day AS TEXT) AS day FROM workout_selections WHERE workout_id = ?',
    [workoutId],
  );
  return rows[0];
}

async function seedSelection(c: Context, workoutId: number): Promise<void> {
  await c.sql(
    'INSERT INTO workout_selections (workout_id, is_selected, time_of_day) VALUES (?, ?, ?)',
    [workoutId, c.t.db.engine === 'sqlite' ? 1 : true, 'morning'],
  );
}

async function placedSelection(c: Context, method: 'PUT' | 'POST'): Promise<Prepared> {
  const [id] = await seedWorkouts(c.t, 1, c.tag);
  return {
    method,
    path: `/api/selections/${id}`,
    ...json(PLACED),
    state: async () => {
      const row = await selectionOf(c.sql, id);
      if (!row) return 'untouched';
      const whole =
        row.day === PLACED.currentPlanDay &&
        row.time_of_day === PLACED.timeOfDay &&
        row.user_notes === PLACED.userNotes;
      return whole ? 'done' : `part of the selection: ${JSON.stringify(row)}`;
    },
  };
}

/** How to call each route that writes, and how to tell what it changed; keyed as the route table. */
const CASES: Record<string, (c: Context) => Promise<Prepared>> = {
  'POST /api/auth/login': async (c) => {
    const username = `matrix-${c.tag}`;
    await insertUser(c.t.dataSource, username, c.passwordHash);
    return {
      method: 'POST',
      path: '/api/auth/login',
      ...json({ username, password: c.password }),
      state: async () => {
        const [user] = await c.sql<{ last_login: unknown }>(
          'SELECT last_login FROM users WHERE username = ?',
          [username],
        );
        return user.last_login === null ? 'untouched' : 'done';
      },
    };
  },
  'POST /api/auth/register': (c) => {
    const username = `new-${c.tag}`;
    return Promise.resolve({
      method: 'POST',
      path: '/api/auth/register',
      ...json({ username, password: c.password }),
      refusal: 403,
      state: async () => {
        const found = await c.sql('SELECT id FROM users WHERE username = ?', [username]);
        return found.length === 0 ? 'untouched' : 'a user was added';
      },
    });
  },
  'PUT /api/selections/:workoutId': (c) => placedSelection(c, 'PUT'),
  'POST /api/selections/:workoutId': (c) => placedSelection(c, 'POST'),
  'DELETE /api/selections/:workoutId': async (c) => {
    const [id] = await seedWorkouts(c.t, 1, c.tag);
    await seedSelection(c, id);
    return {
      method: 'DELETE',
      path: `/api/selections/${id}`,
      state: async () => ((await selectionOf(c.sql, id)) ? 'untouched' : 'done'),
    };
  },
  'POST /api/workouts': (c) => {
    const title = `created-${c.tag}`;
    return Promise.resolve({
      method: 'POST',
      path: '/api/workouts',
      ...json({
        title,
        workoutType: 'Run',
        originallyPlannedDay: '2026-02-04',
        timeOfDay: 'morning',
        isCustom: true,
      }),
      state: async () => {
        const rows = await c.sql<{ id: number }>('SELECT id FROM workouts WHERE title = ?', [
          title,
        ]);
        if (rows.length === 0) return 'untouched';
        const selection = await selectionOf(c.sql, Number(rows[0].id));
        return rows.length === 1 && selection?.time_of_day === 'morning'
          ? 'done'
          : `${rows.length} workout(s), selection ${JSON.stringify(selection)}`;
      },
    });
  },
  'PUT /api/workouts/:id': async (c) => {
    const [id] = await seedWorkouts(c.t, 1, c.tag);
    const title = `renamed-${c.tag}`;
    return {
      method: 'PUT',
      path: `/api/workouts/${id}`,
      ...json({ title, timeOfDay: 'afternoon' }),
      state: async () => {
        const [row] = await c.sql<{ title: string }>('SELECT title FROM workouts WHERE id = ?', [
          id,
        ]);
        const selection = await selectionOf(c.sql, id);
        if (row.title !== title && !selection) return 'untouched';
        if (row.title === title && selection?.time_of_day === 'afternoon') return 'done';
        return `title ${row.title}, selection ${JSON.stringify(selection)}`;
      },
    };
  },
  'DELETE /api/workouts/:id': async (c) => {
    const [id] = await seedWorkouts(c.t, 1, c.tag);
    await seedSelection(c, id);
    return {
      method: 'DELETE',
      path: `/api/workouts/${id}`,
      state: async () => {
        const workout = (await c.sql('SELECT id FROM workouts WHERE id = ?', [id])).length;
        const selection = (await selectionOf(c.sql, id)) ? 1 : 0;
        if (workout && selection) return 'untouched';
        if (!workout && !selection) return 'done';
        return `workout ${workout}, selection ${selection}`;
      },
    };
  },
  'POST /api/workouts/import': (c) => {
    const titles = [`imported-a-${c.tag}`, `imported-b-${c.tag}`];
    return Promise.resolve({
      method: 'POST',
      path: '/api/workouts/import',
      contentType: 'text/csv',
      body: [HEADER, ...titles.map((title) => `${title},Run,,1,,2026-02-05,,,,,`)].join('\n'),
      state: async () => {
        const found = await c.sql('SELECT id FROM workouts WHERE title IN (?, ?)', titles);
        if (found.length === 0) return 'untouched';
        return found.length === titles.length ? 'done' : `${found.length} of the rows`;
      },
    });
  },
  // Writes to the CalDAV server, not the database: only its read of the plan meets the fault.
  'POST /api/export/calendar': () =>
    Promise.resolve({
      method: 'POST',
      path: '/api/export/calendar',
      ...json({ startDate: '2026-02-02', endDate: '2026-02-08' }),
      changesNothingHere: true,
      state: () => Promise.resolve('untouched'),
    }),
};

const WRITING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

interface Outcome {
  route: string;
  status: number;
  retryAfter: string | null;
  body: unknown;
  state: State;
  refusal?: number;
  changesNothingHere?: true;
}

describe.each(ENGINES)(
  'fault matrix on %s: every route that writes, under its faults',
  (engine) => {
    let db: TestDatabase;
    let t: TestApp;
    let proxy: TcpProxy | undefined;
    let admin: Client | undefined;
    let radicale: Radicale | undefined;
    let sql: Sql;
    const password = 'matrix password';
    let passwordHash: string;

    beforeAll(async () => {
      passwordHash = await hashPassword(password);
      if (!radicaleSkipped()) {
        radicale = await Radicale.start();
        await radicale.makeCalendar('training', 'Training plan');
      }
      db = await createTestDatabase(engine);
      const caldav = radicale && {
        CALDAV_URL: radicale.url,
        CALDAV_USERNAME: radicale.username,
        CALDAV_PASSWORD: radicale.password,
        CALDAV_CALENDAR_NAME: 'Training plan',
      };
      if (engine === 'postgres') {
        const target = new URL(process.env.TEST_POSTGRES_URL as string);
        proxy = await new TcpProxy(target.hostname, Number(target.port || 5432)).start();
        t = await startTestApp(
          engine,
          {
            DATABASE_URL: proxy.urlFor(db.url),
            DATABASE_CONNECT_TIMEOUT_MS: '1000',
            DATABASE_STATEMENT_TIMEOUT_MS: '2000',
            DATABASE_QUERY_TIMEOUT_MS: '3000',
            ...caldav,
          },
          db,
        );
        const client = new Client({ connectionString: db.url });
        await client.connect();
        admin = client;
        sql = async <T>(query: string, params: unknown[] = []) => {
          let n = 0;
          const text = query.replace(/\?/g, () => `$${++n}`);
          return (await client.query(text, params)).rows as T[];
        };
      } else {
        t = await startTestApp(engine, { ...caldav }, db);
        sql = (query, params) => t.sql(query, params);
      }
    });
    afterAll(async () => {
      await admin?.end();
      await t?.close();
      await proxy?.stop();
      await db?.drop();
      await radicale?.stop();
    });

    /** The routes to run: every writing /api route the app registered, each with its case. */
    function writingRoutes(): string[] {
      const routes = t.app
        .get(RouteTable)
        .routes()
        .filter((route) => WRITING.has(route.method))
        .map((route) => `${route.method} ${route.url}`);
      // A new route that writes fails here until it gets a case above.
      expect(routes.filter((route) => !(route in CASES))).toEqual([]);
      return routes.filter((route) => radicale || route !== 'POST /api/export/calendar');
    }

    /**
     * Prepares every case, makes the fault (`before`), then sends them all at once with `during`
     * running alongside; once the connection is back, reads what each left in the database.
     */
    async function runAll({
      before = () => Promise.resolve(),
      during = () => Promise.resolve(),
    } = {}): Promise<Outcome[]> {
      const prepared: [string, Prepared][] = [];
      for (const route of writingRoutes()) {
        const context = { t, sql, tag: randomBytes(4).toString('hex'), password, passwordHash };
        prepared.push([route, await CASES[route](context)]);
      }
      await before();
      const [outcomes] = await Promise.all([
        Promise.all(
          prepared.map(async ([route, call]) => {
            const res = await fetch(`${t.url}${call.path}`, {
              method: call.method,
              headers: {
                authorization: `Bearer ${t.token}`,
                ...(call.contentType && { 'content-type': call.contentType }),
              },
              body: call.body,
            });
            const text = await res.text();
            return {
              route,
              call,
              status: res.status,
              retryAfter: res.headers.get('retry-after'),
              body: text === '' ? null : (JSON.parse(text) as unknown),
            };
          }),
        ),
        during(),
      ]);
      await proxy?.restore();
      const settled: Outcome[] = [];
      for (const { call, ...outcome } of outcomes) {
        const { refusal, changesNothingHere } = call;
        settled.push({ ...outcome, refusal, changesNothingHere, state: await call.state() });
      }
      return settled;
    }

    /** The one rule: the route's own answer with all of its change, or a 503 with none of it. */
    function expectAllOrNothing(outcomes: Outcome[], { cutInFlight = false } = {}) {
      for (const outcome of outcomes) {
        const { route, status, retryAfter, body, state, refusal, changesNothingHere } = outcome;
        const seen = { route, status, state };
        if (status === 503) {
          expect({ ...seen, retryAfter, body }).toEqual({
            ...seen,
            retryAfter: '1',
            body: { error: DATABASE_UNAVAILABLE },
          });
          // A commit whose answer was lost with the connection may have landed: never a part.
          const allowed = cutInFlight ? ['untouched', 'done'] : ['untouched'];
          expect([route, allowed.includes(state) ? 'ok' : state]).toEqual([route, 'ok']);
        } else if (refusal !== undefined) {
          expect(seen).toEqual({ route, status: refusal, state: 'untouched' });
        } else {
          const whole = changesNothingHere ? 'untouched' : 'done';
          expect([route, status >= 200 && status < 300, state]).toEqual([route, true, whole]);
        }
      }
    }

    it('without a fault, every route answers as documented and its change is whole', async () => {
      const outcomes = await runAll();
      expectAllOrNothing(outcomes);
      expect(outcomes.filter((o) => o.status === 503)).toEqual([]);
    });

    if (engine === 'sqlite') {
      it('another process holds the write lock for 3 s: 2xx or 503 with Retry-After, all or nothing', async () => {
        let released: Promise<unknown> = Promise.resolve();
        const outcomes = await runAll({
          before: async () => {
            ({ released } = await holdSqliteWriteLock(t.db.path as string, 3000));
          },
        });
        await released;
        expectAllOrNothing(outcomes);
        // Login reads while the file is locked and writes its last login once it can: no 500.
        const login = outcomes.find((o) => o.route === 'POST /api/auth/login');
        expect([200, 503]).toContain(login?.status);
      });
    }

    if (engine === 'postgres') {
      it('the connection is cut before the requests: 503 with Retry-After, nothing written', async () => {
        const outcomes = await runAll({ before: () => (proxy as TcpProxy).cut() });
        expectAllOrNothing(outcomes);
        const databaseRoutes = outcomes.filter((o) => o.refusal === undefined);
        expect(databaseRoutes.map((o) => [o.route, o.status])).toEqual(
          databaseRoutes.map((o) => [o.route, 503]),
        );
      });

      it('the connection is cut while the requests run: each is whole or not there at all', async () => {
        const outcomes = await runAll({
          during: async () => {
            await new Promise((resolve) => setTimeout(resolve, 5));
            await (proxy as TcpProxy).cut();
          },
        });
        expectAllOrNothing(outcomes, { cutInFlight: true });
      });
    }
  },
);
