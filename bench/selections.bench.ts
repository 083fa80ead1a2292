/**
 * `npm run bench`: load on PUT /api/selections/:id against the built app and against a bare
 * node:http server doing the same upsert (bench/baseline-server.ts), on SQLite and PostgreSQL.
 * Prints req/s, p50, p99 and non-2xx per concurrency, and our throughput as a share of the
 * baseline's; then the time of one POST /api/workouts/import of 2,000 rows. Not a test: figures
 * depend on the machine.
 *
 * Env: BENCH_SECONDS (default 10), BENCH_ROUNDS (slices per level, default 5),
 * BENCH_CONCURRENCY (default "1,8,32"), BENCH_POSTGRES_URL
 * (default TEST_POSTGRES_URL or the local server), BENCH_ENGINES (default "sqlite,postgres"),
 * BENCH_CPU_PROFILE_DIR (write a V8 CPU profile of the app process there, for `node --cpu-prof`
 * analysis).
 */
import autocannon from 'autocannon';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { parseDatabaseUrl } from '../src/config/database-url';
import { buildDataSourceOptions } from '../src/database/data-source.options';
import { ServerProcess, startServerProcess } from '../test/support/server-process';
import { userToken } from '../test/support/users';

const ROOT = join(__dirname, '..');
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONCURRENCY = (process.env.BENCH_CONCURRENCY ?? '1,8,32').split(',').map(Number);
const WORKOUTS = 1000;
const ADMIN_URL =
  process.env.BENCH_POSTGRES_URL ??
  process.env.TEST_POSTGRES_URL ??
  'postgres://postgres@127.0.0.1:5432/postgres';
// Targets at c=32, against the bare baseline of the same run.
const TARGET_SHARE = { sqlite: 0.2, postgres: 0.4 };
const TARGET_P99_RATIO = 3;
const TARGET_RSS_MB = 180;

type Engine = 'sqlite' | 'postgres';
interface Row {
  engine: Engine;
  server: 'app' | 'baseline';
  concurrency: number;
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  /** Highest resident set size of the server process seen during the run, MB. */
  rssMb: number;
}

const FIELDS: [string, () => unknown][] = [
  ['timeOfDay', () => ['morning', 'afternoon', 'evening', null][Math.floor(Math.random() * 4)]],
  ['workoutLocation', () => ['indoor', 'outdoor', null][Math.floor(Math.random() * 3)]],
  [
    'currentPlanDay',
    () => `2026-03-${String(1 + Math.floor(Math.random() * 28)).padStart(2, '0')}`,
  ],
  ['userNotes', () => `note ${Math.floor(Math.random() * 1000)}`],
];

/** Resident set size of a process in MB (Linux /proc), or NaN where unavailable. */
function rssMb(pid: number | undefined): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1]) / 1024;
  } catch {
    return NaN;
  }
}

async function load(
  url: string,
  token: string,
  connections: number,
  seconds: number,
  pid?: number,
) {
  let peakRss = rssMb(pid);
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, rssMb(pid))), 100);
  const result = await autocannon({
    url,
    connections,
    duration: seconds,
    requests: [
      {
        method: 'PUT',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        setupRequest: (request) => {
          const [field, value] = FIELDS[Math.floor(Math.random() * FIELDS.length)];
          return {
            ...request,
            path: `/api/selections/${1 + Math.floor(Math.random() * WORKOUTS)}`,
            body: JSON.stringify({ [field]: value() }),
          };
        },
      },
    ],
  });
  clearInterval(sampler);
  return {
    rssMb: peakRss,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}

async function prepareDatabase(
  engine: Engine,
): Promise<{ url: string; drop: () => Promise<void> }> {
  if (engine === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'wp-bench-'));
    return {
      url: `sqlite:${join(dir, 'bench.sqlite')}`,
      drop: () => Promise.resolve(rmSync(dir, { recursive: true })),
    };
  }
  const name = `wp_bench_${Date.now()}`;
  const admin = new Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const client = new Client({ connectionString: ADMIN_URL });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await client.end();
    },
  };
}

// NODE_ENV=production below: the key must be 32 bytes at least.
const SECRET_KEY = 'bench-secret-key-of-32-bytes-or-more';

/** Migrations, 1000 workouts with ids 1..1000, and a user; returns that user's login token. */
async function seed(url: string): Promise<string> {
  const dataSource = await new DataSource(
    buildDataSourceOptions(parseDatabaseUrl(url)),
  ).initialize();
  await dataSource.runMigrations({ transaction: 'all' });
  const values = Array.from(
    { length: WORKOUTS },
    (_, i) => `('bench ${i}', 'Run', '2026-03-01', ${url.startsWith('sqlite') ? 0 : 'false'})`,
  );
  await dataSource.query(
    `INSERT INTO workouts (title, workout_type, originally_planned_day, is_custom) VALUES ${values.join(', ')}`,
  );
  const token = await userToken(dataSource, SECRET_KEY);
  await dataSource.destroy();
  return token;
}

/** One import of 2,000 CSV rows through the app, in ms (the e2e spec checks what it stores). */
async function timeImport(url: string, token: string): Promise<number> {
  const rows = Array.from(
    { length: 2000 },
    (_, i) => `"bench import ${i}",Run,2026-04-${String(1 + (i % 28)).padStart(2, '0')}`,
  );
  const started = performance.now();
  const res = await fetch(`${url}/api/workouts/import`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
    body: ['Title,WorkoutType,WorkoutDay', ...rows].join('\n'),
  });
  await res.arrayBuffer();
  if (res.status !== 201) throw new Error(`the import answered HTTP ${res.status}`);
  return performance.now() - started;
}

type Figures = Omit<Row, 'engine' | 'server' | 'concurrency'>;

/** Slices of one level, app and baseline taking turns, so that drift on a shared machine
 * (other load, disk flushes) falls on both alike; figures are the slices' totals and means. */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);

function combine(slices: Figures[]): Figures {
  const mean = (pick: (f: Figures) => number) =>
    slices.reduce((sum, f) => sum + pick(f), 0) / slices.length;
  return {
    rps: mean((f) => f.rps),
    p50: Math.round(mean((f) => f.p50)),
    p99: Math.round(mean((f) => f.p99)),
    non2xx: slices.reduce((sum, f) => sum + f.non2xx, 0),
    errors: slices.reduce((sum, f) => sum + f.errors, 0),
    rssMb: Math.max(...slices.map((f) => f.rssMb)),
  };
}

async function benchEngine(engine: Engine, url: string, token: string, rows: Row[]) {
  // As in production: access lines at info, metrics collected (METRICS_TOKEN set).
  const env = {
    DATABASE_URL: url,
    NODE_ENV: 'production',
    LOG_LEVEL: 'info',
    SECRET_KEY,
    METRICS_TOKEN: 'bench-metrics-token',
    // The scheduled backup would copy the bench's database into the working tree at start.
    BACKUP_INTERVAL_HOURS: '0',
  };
  const servers = {
    app: [...profileFlags(engine), ...startArguments()],
    baseline: ['-r', 'ts-node/register/transpile-only', join('bench', 'baseline-server.ts')],
  };
  const started: { server: Row['server']; running: ServerProcess }[] = [];
  try {
    for (const [server, nodeArgs] of Object.entries(servers) as [Row['server'], string[]][]) {
      // Any answer will do: the baseline has no /api/health. Access lines are not kept.
      const running = await startServerProcess(env, {
        nodeArgs,
        readyWhen: 'listening',
        stdout: 'ignore',
      });
      started.push({ server, running });
    }
    for (const { running } of started) await load(running.url, token, 8, 2); // warm-up: JIT, statements, pool
    const slice = Math.max(1, Math.round(SECONDS / ROUNDS));
    for (const concurrency of CONCURRENCY) {
      const slices = new Map<Row['server'], Figures[]>(started.map((s) => [s.server, []]));
      for (let round = 0; round < ROUNDS; round++) {
        for (const { server, running } of started) {
          slices.get(server)?.push(await load(running.url, token, concurrency, slice, running.pid));
        }
      }
      for (const { server } of started) {
        const figures = combine(slices.get(server) ?? []);
        rows.push({ engine, server, concurrency, ...figures });
        console.log(
          `${engine.padEnd(8)} ${server.padEnd(8)} c=${String(concurrency).padEnd(3)} ` +
            `${figures.rps.toFixed(0).padStart(6)} req/s  p50 ${figures.p50} ms  p99 ${figures.p99} ms  ` +
            `non-2xx ${figures.non2xx}  errors ${figures.errors}  peak RSS ${figures.rssMb.toFixed(0)} MB`,
        );
      }
    }
    const app = started.find((s) => s.server === 'app');
    if (app) {
      const ms = await timeImport(app.running.url, token);
      console.log(`${engine.padEnd(8)} app      import of 2,000 CSV rows: ${ms.toFixed(0)} ms`);
    }
  } finally {
    for (const { running } of started) await running.stop();
  }
}

/** The app is run as `npm start` runs it: the node arguments of package.json's start script. */
function startArguments(): string[] {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    scripts: { start: string };
  };
  const [command, ...args] = pkg.scripts.start.split(/\s+/);
  if (command !== 'node') throw new Error(`npm start is not a node command: ${pkg.scripts.start}`);
  return args;
}

function profileFlags(engine: Engine): string[] {
  const dir = process.env.BENCH_CPU_PROFILE_DIR;
  return dir
    ? ['--cpu-prof', `--cpu-prof-dir=${dir}`, `--cpu-prof-name=app-${engine}.cpuprofile`]
    : [];
}

async function main() {
  const engines = (process.env.BENCH_ENGINES ?? 'sqlite,postgres').split(',') as Engine[];
  const rows: Row[] = [];
  for (const engine of engines) {
    const db = await prepareDatabase(engine);
    try {
      const token = await seed(db.url);
      await benchEngine(engine, db.url, token, rows);
    } finally {
      await db.drop();
    }
  }

  console.log(
    `\nPUT /api/selections/:id, ${SECONDS} s per level and server (${ROUNDS} alternating slices), ` +
      `${WORKOUTS} workouts, random field`,
  );
  console.log(
    'engine    c  app req/s  base req/s  share  app p50  app p99  base p99  non-2xx  app RSS MB  target',
  );
  for (const row of rows.filter((r) => r.server === 'app')) {
    const base = rows.find(
      (r) =>
        r.server === 'baseline' && r.engine === row.engine && r.concurrency === row.concurrency,
    );
    const share = base ? row.rps / base.rps : NaN;
    const failures = row.non2xx + row.errors;
    const target =
      row.concurrency === 32
        ? share >= TARGET_SHARE[row.engine] &&
          base !== undefined &&
          row.p99 <= TARGET_P99_RATIO * base.p99 &&
          failures === 0 &&
          row.rssMb <= TARGET_RSS_MB
          ? 'met'
          : 'MISSED'
        : '';
    console.log(
      [
        row.engine.padEnd(8),
        String(row.concurrency).padStart(2),
        row.rps.toFixed(0).padStart(10),
        (base?.rps ?? NaN).toFixed(0).padStart(11),
        `${(share * 100).toFixed(0)}%`.padStart(6),
        String(row.p50).padStart(8),
        String(row.p99).padStart(8),
        String(base?.p99 ?? NaN).padStart(9),
        String(failures).padStart(8),
        row.rssMb.toFixed(0).padStart(11),
        ` ${target}`,
      ].join(' '),
    );
  }
  console.log(
    `Targets at c=32: >= ${TARGET_SHARE.postgres * 100}% of the baseline on PostgreSQL, ` +
      `>= ${TARGET_SHARE.sqlite * 100}% on SQLite, app p99 <= ${TARGET_P99_RATIO} x baseline p99, ` +
      `0 non-2xx, app peak RSS <= ${TARGET_RSS_MB} MB.`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
