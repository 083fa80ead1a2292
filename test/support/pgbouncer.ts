import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import { onCi } from './ci';
import { childEnv, freePort, stopChild } from './server-process';
import { ENGINES, TEST_TMP } from './test-database';

/** On PATH, else where Debian puts it (/usr/sbin is not on a normal user's PATH). */
function executable(): string | undefined {
  for (const candidate of ['pgbouncer', '/usr/sbin/pgbouncer']) {
    const probe = spawnSync(candidate, ['--version'], { encoding: 'utf8' });
    if (!probe.error && probe.status === 0) return candidate;
  }
  return undefined;
}

/**
 * `describe` for specs that run the app through PgBouncer. They need PostgreSQL in this run
 * (TEST_POSTGRES_URL) and pgbouncer; without pgbouncer they are skipped on a developer's
 * machine, and under CI they run and fail loudly (see PgBouncer.start).
 */
export const pgbouncerSkipped = (): boolean =>
  !ENGINES.includes('postgres') || (!onCi() && executable() === undefined);
export function describeWithPgBouncer(name: string, specs: () => void): void {
  (pgbouncerSkipped() ? describe.skip : describe)(name, specs);
}

export interface PgBouncerOptions {
  /** Server connections per database and user (`default_pool_size`): few, so they are shared. */
  poolSize?: number;
  /** `pool_mode`; what production poolers in front of many app processes use is `transaction`. */
  poolMode?: 'transaction' | 'session' | 'statement';
  /** Startup parameters PgBouncer drops instead of refusing the connection. */
  ignoreStartupParameters?: string[];
}

/**
 * A real PgBouncer (Debian package `pgbouncer`) on a free loopback port in front of the
 * PostgreSQL of TEST_POSTGRES_URL, with a throwaway ini and auth file: every database, trust
 * auth for the URL's user, transaction pooling by default. Started as root (CI), it runs as
 * the postgres user: PgBouncer refuses to run as root.
 */
export class PgBouncer {
  private constructor(
    readonly port: number,
    private readonly dir: string,
    private readonly process: ChildProcess,
    private readonly log: () => string,
  ) {}

  static async start(options: PgBouncerOptions = {}): Promise<PgBouncer> {
    const { poolSize = 4, poolMode = 'transaction', ignoreStartupParameters = [] } = options;
    const target = process.env.TEST_POSTGRES_URL;
    if (!target) throw new Error('PgBouncer specs need TEST_POSTGRES_URL (a PostgreSQL to front).');
    const binary = executable();
    if (!binary) {
      throw new Error(
        'pgbouncer is not installed, and the pooler specs need a real one: ' +
          'run `apt-get install -y pgbouncer` (.ci/run does this).',
      );
    }
    const upstream = new URL(target);
    const user = decodeURIComponent(upstream.username) || 'postgres';
    mkdirSync(TEST_TMP, { recursive: true });
    const dir = mkdtempSync(join(TEST_TMP, 'pgbouncer-'));
    // Read again by PgBouncer after it dropped root for the postgres user.
    chmodSync(dir, 0o755);
    const port = await freePort();
    const ini = join(dir, 'pgbouncer.ini');
    const users = join(dir, 'userlist.txt');
    writeFileSync(users, `"${user}" ""\n`, { mode: 0o644 });
    writeFileSync(
      ini,
      [
        '[databases]',
        `* = host=${upstream.hostname} port=${upstream.port || '5432'}`,
        '[pgbouncer]',
        'listen_addr = 127.0.0.1',
        `listen_port = ${port}`,
        'unix_socket_dir =',
        'auth_type = trust',
        `auth_file = ${users}`,
        `admin_users = ${user}`,
        `pool_mode = ${poolMode}`,
        `default_pool_size = ${poolSize}`,
        'max_client_conn = 500',
        `ignore_startup_parameters = ${ignoreStartupParameters.join(',')}`,
        // No connection is kept around between specs longer than needed.
        'server_idle_timeout = 10',
        '',
      ].join('\n'),
      { mode: 0o644 },
    );
    const asRoot = process.getuid?.() === 0;
    // In the foreground (no -d), so the child is PgBouncer itself and its log is its stderr.
    const child = spawn(binary, asRoot ? ['-u', 'postgres', ini] : [ini], {
      cwd: dir,
      env: childEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let log = '';
    child.stdout?.on('data', (chunk: Buffer) => (log += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
    const bouncer = new PgBouncer(port, dir, child, () => log);
    for (let attempt = 0; ; attempt++) {
      try {
        await bouncer.query(bouncer.urlFor(target), 'SELECT 1');
        return bouncer;
      } catch (error) {
        if (attempt > 100 || child.exitCode !== null || child.signalCode !== null) {
          await bouncer.stop();
          throw new Error(`PgBouncer did not start (${String(error)}):\n${log}`);
        }
        await sleep(100);
      }
    }
  }

  /** The same database as `databaseUrl`, reached through PgBouncer. */
  urlFor(databaseUrl: string): string {
    const url = new URL(databaseUrl);
    url.hostname = '127.0.0.1';
    url.port = String(this.port);
    return url.toString();
  }

  /**
   * PgBouncer's admin console (`SHOW POOLS`, `SHOW SERVERS`, ...): rows of the simple-protocol
   * commands it takes.
   */
  async show(what: string): Promise<Record<string, unknown>[]> {
    const url = this.urlFor(process.env.TEST_POSTGRES_URL as string);
    const admin = new URL(url);
    admin.pathname = '/pgbouncer';
    return this.query(admin.toString(), `SHOW ${what}`);
  }

  /** What PgBouncer logged so far (connection refusals name their reason there). */
  output(): string {
    return this.log();
  }

  async stop(): Promise<void> {
    // SIGTERM: immediate shutdown; clients still connected see their connection closed.
    await stopChild(this.process);
    if (existsSync(this.dir)) rmSync(this.dir, { recursive: true, force: true });
  }

  private async query(url: string, sql: string): Promise<Record<string, unknown>[]> {
    const client = new Client({ connectionString: url, connectionTimeoutMillis: 2000 });
    client.on('error', () => undefined);
    await client.connect();
    try {
      return (await client.query<Record<string, unknown>>(sql)).rows;
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}
