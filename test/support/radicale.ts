import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { onCi } from './ci';
import { childEnv, freePort, stopChild } from './server-process';
import { TEST_TMP } from './test-database';

const installed = (): boolean => {
  const probe = spawnSync('radicale', ['--version'], { encoding: 'utf8' });
  return !probe.error && probe.status === 0;
};

/**
 * `describe` for specs that need Radicale. Without it (a fresh machine), they are skipped, and
 * the global set-up says so in one line; under CI they run and fail loudly.
 */
export const radicaleSkipped = (): boolean => !onCi() && !installed();
export function describeWithRadicale(name: string, specs: () => void): void {
  (radicaleSkipped() ? describe.skip : describe)(name, specs);
}

export interface StoredEvent {
  href: string;
  data: string;
}

/**
 * A real Radicale CalDAV server (Debian package `radicale`) on a loopback port, with a throwaway
 * storage folder and one htpasswd user (plain passwords: Debian's Radicale lacks bcrypt).
 */
export class Radicale {
  readonly username = 'athlete';
  readonly password = 'p@ss: wörd';
  private constructor(
    readonly port: number,
    private readonly dir: string,
    private readonly process: ChildProcess,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}/`;
  }

  calendarUrl(name: string): string {
    return `${this.url}${this.username}/${name}/`;
  }

  private get auth(): string {
    return `Basic ${Buffer.from(`${this.username}:${this.password}`).toString('base64')}`;
  }

  static async start(): Promise<Radicale> {
    if (!installed()) {
      throw new Error(
        'Radicale is not installed, and the calendar specs need a real CalDAV server: ' +
          'run `apt-get install -y radicale` (.ci/run does this).',
      );
    }
    mkdirSync(TEST_TMP, { recursive: true });
    const dir = mkdtempSync(join(TEST_TMP, 'radicale-'));
    mkdirSync(join(dir, 'collections'));
    const port = await freePort();
    const users = join(dir, 'users');
    const config = join(dir, 'config');
    const instance = { username: 'athlete', password: 'p@ss: wörd' };
    writeFileSync(users, `${instance.username}:${instance.password}\n`);
    writeFileSync(
      config,
      [
        '[server]',
        `hosts = 127.0.0.1:${port}`,
        '[auth]',
        'type = htpasswd',
        `htpasswd_filename = ${users}`,
        'htpasswd_encryption = plain',
        'delay = 0',
        '[rights]',
        'type = owner_only',
        '[storage]',
        `filesystem_folder = ${join(dir, 'collections')}`,
        '[web]',
        'type = none',
        '[logging]',
        'level = warning',
        '',
      ].join('\n'),
    );
    const child = spawn('radicale', ['--config', config], {
      env: childEnv(),
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const server = new Radicale(port, dir, child);
    for (let attempt = 0; ; attempt++) {
      try {
        await fetch(server.url, { signal: AbortSignal.timeout(1000) });
        return server;
      } catch {
        if (attempt > 100 || child.exitCode !== null) {
          await server.stop();
          throw new Error(`Radicale did not start: ${stderr}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  }

  private request(
    url: string,
    method: string,
    body?: string,
    headers: Record<string, string> = {},
  ) {
    return fetch(url, { method, body, headers: { Authorization: this.auth, ...headers } });
  }

  async makeCalendar(name: string, displayName: string): Promise<void> {
    const res = await this.request(
      this.calendarUrl(name),
      'MKCALENDAR',
      `<?xml version="1.0" encoding="utf-8"?>
<C:mkcalendar xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">
  <D:set><D:prop><D:displayname>${displayName}</D:displayname></D:prop></D:set>
</C:mkcalendar>`,
      { 'Content-Type': 'application/xml; charset=utf-8' },
    );
    if (res.status !== 201) throw new Error(`MKCALENDAR ${name}: HTTP ${res.status}`);
  }

  /** Every object of the calendar, read back with PROPFIND + GET. */
  async events(name: string): Promise<StoredEvent[]> {
    const res = await this.request(this.calendarUrl(name), 'PROPFIND', undefined, { Depth: '1' });
    const xml = await res.text();
    const hrefs = [...xml.matchAll(/<(?:\w+:)?href>([^<]+)<\/(?:\w+:)?href>/g)]
      .map((m) => m[1])
      .filter((href) => !href.endsWith('/'));
    const events: StoredEvent[] = [];
    for (const href of hrefs.sort()) {
      const get = await this.request(new URL(href, this.url).href, 'GET');
      events.push({ href, data: await get.text() });
    }
    return events;
  }

  async put(name: string, file: string, ics: string): Promise<void> {
    const res = await this.request(`${this.calendarUrl(name)}${file}`, 'PUT', ics, {
      'Content-Type': 'text/calendar; charset=utf-8',
    });
    if (!res.ok) throw new Error(`PUT ${file}: HTTP ${res.status}`);
  }

  async clear(name: string): Promise<void> {
    for (const event of await this.events(name)) {
      await this.request(new URL(event.href, this.url).href, 'DELETE');
    }
  }

  async stop(): Promise<void> {
    await stopChild(this.process);
    rmSync(this.dir, { recursive: true, force: true });
  }
}
