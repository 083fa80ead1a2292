import { ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const ROOT = join(__dirname, '..', '..');

/** How long a process may take to end after SIGTERM before it gets SIGKILL. */
const KILL_AFTER_MS = 10_000;

export interface ServerProcess {
  url: string;
  port: number;
  pid: number;
  /** What it wrote so far (stderr only when started with `stdout: 'ignore'`). */
  output: () => string;
  /** Resolves when the process has ended, with how it ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM, then SIGKILL if it has not exited within 10 s. */
  stop(): Promise<void>;
}

export interface ServerOptions {
  /** Node's arguments; by default src/main.ts through ts-node, so no build is needed. */
  nodeArgs?: string[];
  /**
   * `healthy`: GET /api/health answers 200 (the app); `listening`: any HTTP answer at all (a
   * server without that route, such as the bench's baseline).
   */
  readyWhen?: 'healthy' | 'listening';
  /** `ignore` for servers that log every request under load (the bench): the text would pile up. */
  stdout?: 'capture' | 'ignore';
}

export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

/**
 * The environment of a process a spec starts: what node, npm and the PostgreSQL tools need to
 * run (PATH, HOME), NODE_ENV=test, and what the spec passes. Nothing else of the developer's
 * shell reaches it: an exported ACCESS_TOKEN_LIFETIME_HOURS or CALDAV_URL cannot change a result.
 */
export function childEnv(env: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const essentials: Record<string, string> = { NODE_ENV: 'test' };
  for (const name of ['PATH', 'HOME']) {
    const value = process.env[name];
    if (value !== undefined) essentials[name] = value;
  }
  const result: NodeJS.ProcessEnv = { ...essentials };
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) delete result[name];
    else result[name] = value;
  }
  return result;
}

/** SIGTERM, then SIGKILL if the process is still there after `killAfterMs`. */
export async function stopChild(child: ChildProcess, killAfterMs = KILL_AFTER_MS): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const killer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
  try {
    await exited;
  } finally {
    clearTimeout(killer);
  }
}

/**
 * Starts a server as its own OS process, with only the environment `childEnv` gives it plus
 * HOST, PORT (a free one), LOG_LEVEL=warn and `env`, and resolves once it is ready.
 */
export async function startServerProcess(
  env: Record<string, string>,
  options: ServerOptions = {},
): Promise<ServerProcess> {
  const {
    nodeArgs = ['-r', 'ts-node/register/transpile-only', join(ROOT, 'src', 'main.ts')],
    readyWhen = 'healthy',
    stdout = 'capture',
  } = options;
  const port = await freePort();
  let output = '';
  const child: ChildProcess = spawn(process.execPath, nodeArgs, {
    cwd: ROOT,
    env: childEnv({
      LOG_LEVEL: 'warn',
      HOST: '127.0.0.1',
      // No backup into the working tree's data/backups; the backup spec sets its own folder.
      BACKUP_INTERVAL_HOURS: '0',
      ...env,
      PORT: String(port),
    }),
    stdio: ['ignore', stdout === 'capture' ? 'pipe' : 'ignore', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const url = `http://127.0.0.1:${port}`;
  const stop = () => stopChild(child);

  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited early:\n${output}`);
    try {
      const res = await fetch(`${url}${readyWhen === 'healthy' ? '/api/health' : '/'}`);
      if (readyWhen === 'listening' || res.status === 200) {
        return { url, port, pid: child.pid as number, output: () => output, exited, stop };
      }
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  await stop();
  throw new Error(`server did not become ready within 60 s:\n${output}`);
}

export interface ScriptRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * A command as an operator runs it (`npm run backup`, `npm run restore`, ...: the script of
 * scripts/ through ts-node), as a process of its own with `childEnv(env)`; resolves when it ends.
 */
export function runScript(
  script: 'backup' | 'restore',
  args: string[],
  env: Record<string, string>,
): Promise<ScriptRun> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', join(ROOT, 'scripts', `${script}.ts`), ...args],
      { cwd: ROOT, env: childEnv(env) },
      (error, stdout, stderr) =>
        done({ status: error ? ((error.code as number) ?? 1) : 0, stdout, stderr }),
    );
  });
}
