import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import { utcStamp } from '../src/backup/backup-folder';
import { takeBackup, takeBackupIfDue } from '../src/backup/take-backup';
import { restoreCommand } from '../src/cli/restore.command';
import { readDatabase, readBackup } from '../src/config/configuration';
import { parsePrometheus, valueOf } from './support/prometheus';
import { childEnv, runScript, startServerProcess } from './support/server-process';
import { startTestApp, TestApp } from './support/test-app';
import {
  createTestDatabase,
  ENGINES,
  Engine,
  TEST_TMP,
  TestDatabase,
} from './support/test-database';
import { BackupBusyError } from '../src/backup/backup-errors';

const ROOT = resolve(__dirname, '..');
jest.setTimeout(90_000);

type Notes = Map<number, string | null>;

/** user_notes by workout id in a backup file, read as it would be restored. */
async function notesInBackup(engine: Engine, file: string): Promise<Notes> {
  const query = 'SELECT workout_id, user_notes FROM workout_selections ORDER BY workout_id';
  const toMap = (rows: { workout_id: number; user_notes: string | null }[]) =>
    new Map(rows.map((r) => [Number(r.workout_id), r.user_notes]));
  if (engine === 'sqlite') {
    const db = new Database(file, { readonly: true, fileMustExist: true });
    try {
      return toMap(db.prepare(query).all() as never);
    } finally {
      db.close();
    }
  }
  const scratch = await createTestDatabase('postgres');
  try {
    const restore = spawnSync('pg_restore', ['--no-owner', '-d', scratch.url, file], {
      encoding: 'utf8',
      env: childEnv(),
    });
    expect(restore.stderr).toBe('');
    const client = new Client({ connectionString: scratch.url });
    await client.connect();
    try {
      return toMap((await client.query(query)).rows);
    } finally {
      await client.end();
    }
  } finally {
    await scratch.drop();
  }
}

const BACKUP_NAME = /^workout-planner-(\d{8}T\d{6})(\.\d{3})?Z(-\d+)?\.(sqlite|dump)$/;
const backupFiles = (dir: string) =>
  readdirSync(dir)
    .filter((name) => BACKUP_NAME.test(name))
    .sort();

/** The time a backup's name gives, in ms. */
function nameTime(name: string): number {
  const m = /(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(?:\.(\d{3}))?Z/.exec(name) as string[];
  return Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6], +(m[7] ?? 0));
}

/** Polls `condition` every 100 ms, at most `tries` times; says what it waited for otherwise. */
async function waitFor(what: string, condition: () => boolean | Promise<boolean>, tries = 600) {
  for (let i = 0; !(await condition()); i++) {
    if (i >= tries) throw new Error(`gave up waiting for ${what}`);
    await sleep(100);
  }
}

describe.each(ENGINES)('backups and restore (%s)', (engine) => {
  let t: TestApp;
  let dir: string;
  let workouts: number[];

  beforeAll(async () => {
    mkdirSync(TEST_TMP, { recursive: true });
    dir = mkdtempSync(join(TEST_TMP, 'backups-'));
    t = await startTestApp(engine, { BACKUP_DIR: dir });
    workouts = [];
    for (let i = 0; i < 16; i++) {
      const res = await t.http
        .post('/api/workouts')
        .send({ title: `Session ${i}`, originallyPlannedDay: '2026-03-02' });
      expect(res.status).toBe(201);
      workouts.push(res.body.id as number);
    }
  });
  afterAll(async () => {
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const cliEnv = (db: TestDatabase = t.db, extra: Record<string, string> = {}) => ({
    DATABASE_URL: db.url,
    BACKUP_DIR: dir,
    ...extra,
  });
  const note = (id: number, text: string) =>
    t.http.put(`/api/selections/${id}`).send({ userNotes: text });

  /** A backup made by the command, with its file name from the output. */
  const backupNow = async (db: TestDatabase = t.db, env: Record<string, string> = {}) => {
    const run = await runScript('backup', [], cliEnv(db, env));
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const file = /^written: (\S+) \(\d+ bytes, \d+ ms\)$/m.exec(run.stdout)?.[1] as string;
    expect(existsSync(file)).toBe(true);
    return { run, file };
  };

  it('a backup taken during parallel selection writes holds every write acknowledged before it started', async () => {
    // Eight writers, two workouts each, writing increasing numbers one after the other: a
    // workout's stored number only grows, so the backup must hold at least the last number
    // acknowledged before the backup started.
    const acked = new Map<number, number>(workouts.map((id) => [id, 0]));
    const statuses: number[] = [];
    let writing = true;
    const writers = Array.from({ length: 8 }, async (_, w) => {
      const mine = workouts.slice(w * 2, w * 2 + 2);
      for (let k = 1; writing; k++) {
        for (const id of mine) {
          const res = await note(id, `n${k}`);
          statuses.push(res.status);
          if (res.status === 200) acked.set(id, k);
        }
      }
    });
    await sleep(300);
    const beforeBackup = new Map(acked);
    const { run, file } = await backupNow();
    await sleep(200);
    writing = false;
    await Promise.all(writers);

    expect(statuses.length).toBeGreaterThan(16);
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    if (engine === 'sqlite') {
      expect(run.stdout).toMatch(/^integrity_check: ok$/m);
      expect(run.stdout).toMatch(/^rows: .*workout_selections 16, workouts 16$/m);
    } else {
      expect(run.stdout).toContain('checked: pg_restore --list reads it');
    }
    const stored = await notesInBackup(engine, file);
    expect([...stored.keys()]).toEqual(workouts);
    for (const id of workouts) {
      const number = Number(/^n(\d+)$/.exec(stored.get(id) ?? '')?.[1]);
      expect(number).toBeGreaterThanOrEqual(beforeBackup.get(id) as number);
    }
  });

  it('a restore gives back exactly the backed-up rows, and the app starts on it', async () => {
    const db = await createTestDatabase(engine);
    try {
      let app = await startTestApp(engine, { BACKUP_DIR: dir }, db);
      const made = await app.http
        .post('/api/workouts')
        .send({ title: 'Long ride', originallyPlannedDay: '2026-03-07' });
      expect(made.status).toBe(201);
      const id = made.body.id as number;
      const put = await app.http
        .put(`/api/selections/${id}`)
        .send({ timeOfDay: 'morning', userNotes: 'before the backup' });
      expect(put.status).toBe(200);
      const rows = () => app.sql('SELECT * FROM workout_selections ORDER BY id');
      const backedUp = await rows();
      const { file } = await backupNow(db);

      // Changed after the backup: a new note and a new workout.
      const later = await app.http.put(`/api/selections/${id}`).send({ userNotes: 'after' });
      expect(later.status).toBe(200);
      const extra = await app.http
        .post('/api/workouts')
        .send({ title: 'Swim', originallyPlannedDay: '2026-03-08' });
      expect(extra.status).toBe(201);
      await app.close();

      const restore = await runScript('restore', [file, '--yes'], cliEnv(db));
      expect(restore.stderr).toBe('');
      expect(restore.status).toBe(0);
      expect(restore.stdout).toContain('Restored');
      if (engine === 'sqlite') {
        const kept = /^The database as it was: (\S+)$/m.exec(restore.stdout)?.[1] as string;
        expect(kept).toMatch(/\.before-restore-\d{8}T\d{6}\.\d{3}Z(-\d+)?$/);
        const old = new Database(kept, { readonly: true });
        expect(old.prepare('SELECT COUNT(*) AS n FROM workouts').get()).toEqual({ n: 2 });
        old.close();
        rmSync(kept);
      }

      app = await startTestApp(engine, { BACKUP_DIR: dir }, db);
      try {
        expect(await rows()).toEqual(backedUp);
        const listed = await app.http.get('/api/workouts');
        expect(listed.status).toBe(200);
        expect((listed.body.workouts as { title: string }[]).map((w) => w.title)).toEqual([
          'Long ride',
        ]);
      } finally {
        await app.close();
      }
    } finally {
      await db.drop();
    }
  });

  it('keeps exactly BACKUP_KEEP backups, deleting the oldest and no other file, one backup at a time', async () => {
    const own = mkdtempSync(join(TEST_TMP, 'retention-'));
    try {
      const foreign = ['notes.txt', 'workout-planner-manual.sqlite', 'db-20260101T000000Z.sqlite'];
      for (const name of foreign) writeFileSync(join(own, name), 'not a backup of this tool');
      // A backup named as earlier versions did (no milliseconds): the oldest, so it goes first.
      const extension = engine === 'sqlite' ? 'sqlite' : 'dump';
      const legacy = `workout-planner-20261031T060000Z.${extension}`;
      writeFileSync(join(own, legacy), 'an old backup');
      const env = { DATABASE_URL: t.db.url, BACKUP_DIR: own, BACKUP_KEEP: '3' };
      const target = readDatabase(env);
      const settings = readBackup(env, target);
      const start = Date.UTC(2026, 10, 1, 6, 0, 0);
      const later = (hours: number) => new Date(start + hours * 3_600_000);
      const taken: string[] = [];
      for (let i = 0; i < 2; i++)
        taken.push((await takeBackup(target, settings, { now: later(i) })).file);
      expect(backupFiles(own)).toEqual([legacy, ...taken].map((file) => basename(file)));
      for (let i = 2; i < 5; i++)
        taken.push((await takeBackup(target, settings, { now: later(i) })).file);
      const names = taken.map((file) => basename(file));
      expect(names[0]).toBe(`workout-planner-20261101T060000.000Z.${extension}`);
      expect(backupFiles(own)).toEqual(names.slice(2));
      for (const name of foreign) expect(existsSync(join(own, name))).toBe(true);

      // Two backups named for the same millisecond: both kept, under distinct names.
      const same = later(6);
      const first = await takeBackup(target, settings, { now: same });
      const second = await takeBackup(target, settings, { now: same });
      expect(basename(second.file)).toBe(basename(first.file).replace(/Z\./, 'Z-2.'));
      expect(backupFiles(own)).toEqual(
        [names[4], basename(first.file), basename(second.file)].sort(),
      );
      expect(second.removed).toEqual([join(own, names[3])]);

      // One at a time: a second backup while one runs is refused, not interleaved.
      const both = await Promise.allSettled([
        takeBackup(target, settings, { now: later(10) }),
        takeBackup(target, settings, { now: later(11) }),
      ]);
      expect(both.map((result) => result.status).sort()).toEqual(['fulfilled', 'rejected']);
      const refused = both.find((result) => result.status === 'rejected');
      expect((refused as PromiseRejectedResult).reason).toBeInstanceOf(BackupBusyError);
    } finally {
      rmSync(own, { recursive: true, force: true });
    }
  });

  // PostgreSQL has no such refusal: pg_restore waits for the server's locks, in one transaction.
  if (engine === 'sqlite') {
    it('refuses to restore over a SQLite file a running server holds', async () => {
      const { file } = await backupNow();
      const before = await t.sql('SELECT * FROM workout_selections ORDER BY id');
      const run = await runScript('restore', [file, '--yes'], cliEnv());
      expect(run.status).toBe(1);
      expect(run.stderr).toMatch(
        /is in use by a running server .*Stop it first; nothing was replaced/,
      );
      expect(readdirSync(TEST_TMP).filter((name) => name.includes('before-restore'))).toEqual([]);
      expect(await t.sql('SELECT * FROM workout_selections ORDER BY id')).toEqual(before);
    });
  }

  if (engine === 'postgres') {
    it('refuses a backup older than the database (tables it lacks would stay); an empty database takes it', async () => {
      const SELECTIONS = 'SELECT * FROM workout_selections ORDER BY id';
      const backedUp = await t.sql(SELECTIONS);
      const { file } = await backupNow();
      const db = await createTestDatabase('postgres');
      const empty = await createTestDatabase('postgres');
      const client = new Client({ connectionString: db.url });
      await client.connect();
      try {
        // A database one migration ahead of the backup.
        await client.query('CREATE TABLE later_feature (id integer)');
        const refused = await runScript('restore', [file, '--yes'], cliEnv(db));
        expect(refused.status).toBe(1);
        expect(refused.stderr).toMatch(
          /^restore refused: the database has tables the backup does not \(public\.later_feature\).*nothing was replaced\.$/m,
        );
        const { rows } = await client.query<{ name: string }>(
          "SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public'",
        );
        expect(rows).toEqual([{ name: 'later_feature' }]);

        const restored = await runScript('restore', [file, '--yes'], cliEnv(empty));
        expect(restored.stderr).toBe('');
        expect(restored.status).toBe(0);
        const fresh = new Client({ connectionString: empty.url });
        await fresh.connect();
        try {
          expect((await fresh.query(SELECTIONS)).rows).toEqual(backedUp);
        } finally {
          await fresh.end();
        }
      } finally {
        await client.end();
        await db.drop();
        await empty.drop();
      }
    });
  }

  it('refuses a corrupted backup before anything is replaced', async () => {
    const { file } = await backupNow();
    const bytes = await readFile(file);
    // SQLite: a page of the file overwritten; PostgreSQL: the dump cut in half.
    const damaged = join(dir, `damaged-${engine}`);
    if (engine === 'sqlite') {
      bytes.fill(0x5a, 4096, 4096 + 1024);
      await writeFile(damaged, bytes);
    } else {
      await writeFile(damaged, bytes.subarray(0, Math.floor(bytes.length / 2)));
    }
    const db = await createTestDatabase(engine);
    try {
      const app = await startTestApp(engine, { BACKUP_DIR: dir }, db);
      const made = await app.http
        .post('/api/workouts')
        .send({ title: 'Run', originallyPlannedDay: '2026-03-09' });
      expect(made.status).toBe(201);
      const before = await app.sql('SELECT * FROM workouts ORDER BY id');
      await app.close();

      const run = await runScript('restore', [damaged, '--yes'], cliEnv(db));
      expect(run.status).toBe(1);
      expect(run.stderr).toMatch(
        engine === 'sqlite'
          ? /^restore refused: .*damaged-sqlite (failed its integrity check|is not a sound SQLite database)/m
          : /^restore refused: pg_restore failed: /m,
      );
      expect(run.stdout).not.toContain('Restored');
      if (db.path)
        expect(readdirSync(TEST_TMP).filter((n) => n.includes('before-restore'))).toEqual([]);

      const again = await startTestApp(engine, { BACKUP_DIR: dir }, db);
      try {
        expect(await again.sql('SELECT * FROM workouts ORDER BY id')).toEqual(before);
      } finally {
        await again.close();
      }
    } finally {
      await db.drop();
    }
  });

  it('takes scheduled backups every few seconds while requests keep succeeding', async () => {
    const scheduled = mkdtempSync(join(TEST_TMP, 'scheduled-'));
    const app = await startTestApp(engine, {
      BACKUP_DIR: scheduled,
      // 1.8 s
      BACKUP_INTERVAL_HOURS: '0.0005',
      BACKUP_KEEP: '2',
      LOG_LEVEL: 'info',
      METRICS_TOKEN: 'backup-metrics',
    });
    try {
      const made = await app.http
        .post('/api/workouts')
        .send({ title: 'Bike', originallyPlannedDay: '2026-03-10' });
      expect(made.status).toBe(201);
      // Every backup file ever seen (retention deletes the oldest as it goes).
      const seen = new Set<string>();
      const statuses: number[] = [];
      for (let k = 0; seen.size < 3; k++) {
        const batch = await Promise.all(
          Array.from({ length: 4 }, () =>
            app.http.put(`/api/selections/${made.body.id}`).send({ userNotes: `k${k}` }),
          ),
        );
        statuses.push(...batch.map((res) => res.status));
        for (const name of backupFiles(scheduled)) seen.add(name);
        expect(k).toBeLessThan(20_000);
      }
      expect(statuses.filter((s) => s !== 200)).toEqual([]);
      expect(readdirSync(scheduled).filter((name) => name.endsWith('.partial'))).toEqual([]);

      // A new backup is renamed into place just before retention deletes the oldest.
      let files = backupFiles(scheduled);
      for (let i = 0; files.length !== 2 && i < 50; i++) {
        await sleep(100);
        files = backupFiles(scheduled);
      }
      expect(files).toHaveLength(2);
      const metrics = await app.http
        .get('/api/metrics')
        .set('Authorization', 'Bearer backup-metrics');
      expect(metrics.status).toBe(200);
      expect(
        valueOf(parsePrometheus(metrics.text), 'backup_last_success_timestamp_seconds'),
      ).toBeGreaterThanOrEqual(nameTime(files[1]) / 1000);
    } finally {
      await app.close();
      rmSync(scheduled, { recursive: true, force: true });
    }
  });

  it('logs a failed scheduled backup and tries again an interval later, still serving', async () => {
    const blocker = join(dir, `not-a-folder-${engine}`);
    writeFileSync(blocker, 'a file where the backup folder should be');
    const server = await startServerProcess({
      DATABASE_URL: t.db.url,
      BACKUP_DIR: join(blocker, 'backups'),
      // 0.36 s
      BACKUP_INTERVAL_HOURS: '0.0001',
      LOG_LEVEL: 'info',
    });
    try {
      const failures = () => server.output().match(/Scheduled backup failed: .*ENOTDIR/g) ?? [];
      for (let i = 0; failures().length < 2; i++) {
        const health = await fetch(`${server.url}/api/health`);
        expect(health.status).toBe(200);
        expect(i).toBeLessThan(600);
        await sleep(50);
      }
      expect(server.output()).toContain(`No backup yet in ${join(blocker, 'backups')}`);
      expect(server.output()).toMatch(/"level":50,[^\n]*Scheduled backup failed: /);
    } finally {
      await server.stop();
    }
  });

  const extension = engine === 'sqlite' ? 'sqlite' : 'dump';
  /** A backup's name for a time `ms` from now, as the clock of another machine might give it. */
  const namedAt = (ms: number) =>
    `workout-planner-${utcStamp(new Date(Date.now() + ms))}.${extension}`;

  it('a backup named for the future: the schedule, retention and the metric ignore it, with one warning', async () => {
    const folder = mkdtempSync(join(TEST_TMP, 'future-'));
    // Copied from machines whose clocks were years (a timer to it would overflow) and hours
    // ahead; and an old backup with the name earlier versions gave (no milliseconds).
    const farAhead = `workout-planner-20991231T000000Z.${extension}`;
    const hoursAhead = namedAt(3 * 3_600_000);
    const old = `workout-planner-20261101T000000Z.${extension}`;
    for (const name of [farAhead, hoursAhead, old]) writeFileSync(join(folder, name), 'copied');
    const server = await startServerProcess({
      DATABASE_URL: t.db.url,
      BACKUP_DIR: folder,
      // 1.8 s
      BACKUP_INTERVAL_HOURS: '0.0005',
      BACKUP_KEEP: '2',
      LOG_LEVEL: 'info',
      METRICS_TOKEN: 'future-metrics',
    });
    try {
      const copied = [farAhead, hoursAhead, old];
      const written = () => backupFiles(folder).filter((name) => !copied.includes(name));
      const seen = new Set<string>();
      await waitFor('three scheduled backups', () => {
        for (const name of written()) seen.add(name);
        return seen.size >= 3;
      });
      await waitFor('retention after the last backup', () => written().length === 2, 50);
      const output = server.output();
      expect(output).not.toContain('TimeoutOverflowWarning');
      expect(output).toContain(`Last backup: ${join(folder, old)}, taken 2026-11-01T00:00:00.000Z`);
      for (const name of [farAhead, hoursAhead]) {
        const warnings = output
          .split('\n')
          .filter((line) => line.includes(`Ignoring ${join(folder, name)}`));
        expect(warnings).toHaveLength(1);
        expect(warnings[0]).toMatch(
          /"level":40,.*it counts for neither the schedule, retention nor the metric/,
        );
      }
      // Retention kept two real backups besides the copies from the future; the old one went.
      expect(backupFiles(folder).sort()).toEqual([farAhead, hoursAhead, ...written()].sort());
      const newest = Math.max(...written().map(nameTime));
      const metrics = await fetch(`${server.url}/api/metrics`, {
        headers: { authorization: 'Bearer future-metrics' },
      });
      const reported = valueOf(
        parsePrometheus(await metrics.text()),
        'backup_last_success_timestamp_seconds',
      );
      expect(reported).toBeGreaterThanOrEqual(newest / 1000);
      expect(reported).toBeLessThanOrEqual(Date.now() / 1000);
    } finally {
      await server.stop();
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('BACKUP_KEEP=1 beside a backup named for the future: the new backup stays, exit 0', async () => {
    const folder = mkdtempSync(join(TEST_TMP, 'keep-one-'));
    try {
      const env = { BACKUP_DIR: folder, BACKUP_KEEP: '1' };
      const { file: older } = await backupNow(t.db, env);
      const ahead = join(folder, namedAt(86_400_000));
      writeFileSync(ahead, 'copied from a machine a day ahead');
      const run = await runScript('backup', [], cliEnv(t.db, env));
      expect(run.status).toBe(0);
      const file = /^written: (\S+) /m.exec(run.stdout)?.[1] as string;
      // The backup it names is there; the older one went; the one from the future was left.
      expect(backupFiles(folder).sort()).toEqual([basename(file), basename(ahead)].sort());
      expect(run.stdout).toContain(`removed old backup: ${older}`);
      expect(run.stderr).toMatch(
        new RegExp(
          `^backup: warning: ignored ${ahead.replace(/\./g, '\\.')}: named for \\S+, in the future by this clock; retention neither counts nor removes it\n$`,
        ),
      );
      expect([...(await notesInBackup(engine, file)).keys()]).toEqual(workouts);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('two servers on one folder take one backup per interval between them', async () => {
    const folder = mkdtempSync(join(TEST_TMP, 'shared-'));
    const env = {
      DATABASE_URL: t.db.url,
      BACKUP_DIR: folder,
      // 1.8 s
      BACKUP_INTERVAL_HOURS: '0.0005',
      BACKUP_KEEP: '100',
      LOG_LEVEL: 'info',
    };
    const servers = await Promise.all([startServerProcess(env), startServerProcess(env)]);
    try {
      await waitFor('five backups', () => backupFiles(folder).length >= 5, 300);
    } finally {
      await Promise.all(servers.map((server) => server.stop()));
    }
    const names = backupFiles(folder);
    const times = names.map(nameTime).sort((a, b) => a - b);
    const gaps = times.slice(1).map((time, i) => time - times[i]);
    expect(gaps.filter((gap) => gap < 1800)).toEqual([]);
    const output = servers.map((server) => server.output()).join('\n');
    expect(output).not.toContain('Scheduled backup failed');
    expect(output.match(/Backup written: /g)).toHaveLength(names.length);

    // What the schedule checks once it holds the lock: a backup another process has just
    // finished means none is due.
    const settings = readBackup(env, readDatabase(env));
    const other = await takeBackup(readDatabase(env), settings);
    const outcome = await takeBackupIfDue(readDatabase(env), settings, 1800);
    expect(outcome).toEqual({ notDue: expect.objectContaining({ file: other.file }) });
    expect(backupFiles(folder)).toEqual([...names, basename(other.file)].sort());
    rmSync(folder, { recursive: true, force: true });
  });

  if (engine === 'sqlite') {
    it('a second restore in the same second keeps both earlier databases', async () => {
      const db = await createTestDatabase('sqlite');
      try {
        const app = await startTestApp(engine, { BACKUP_DIR: dir }, db);
        const add = (title: string) =>
          app.http.post('/api/workouts').send({ title, originallyPlannedDay: '2026-03-11' });
        expect((await add('In the backup')).status).toBe(201);
        const { file } = await backupNow(db);
        expect((await add('After the backup')).status).toBe(201);
        await app.close();

        const lines: string[] = [];
        const io = {
          out: (line: string) => lines.push(line),
          err: (line: string) => lines.push(line),
          isInteractive: false,
          ask: () => Promise.reject(new Error('not asked with --yes')),
          // Both in the same second.
          now: () => new Date('2026-12-01T10:00:00.000Z'),
          workingDirectory: ROOT,
        };
        const env = { DATABASE_URL: db.url, BACKUP_DIR: dir };
        const workouts = (path: string) => {
          const copy = new Database(path, { readonly: true, fileMustExist: true });
          try {
            return copy.prepare('SELECT title FROM workouts ORDER BY id').pluck().all();
          } finally {
            copy.close();
          }
        };
        const kept = () =>
          lines.flatMap((line) => /^The database as it was: (\S+)$/.exec(line)?.[1] ?? []);

        expect(await restoreCommand([file, '--yes'], env, io)).toBe(0);
        expect(await restoreCommand([file, '--yes'], env, io)).toBe(0);
        const first = `${db.path}.before-restore-20261201T100000.000Z`;
        expect(kept()).toEqual([first, `${first}-2`]);
        expect(workouts(first)).toEqual(['In the backup', 'After the backup']);
        expect(workouts(`${first}-2`)).toEqual(['In the backup']);
        expect(workouts(db.path as string)).toEqual(['In the backup']);
        for (const copy of kept()) rmSync(copy);
      } finally {
        await db.drop();
      }
    });
  }

  if (engine === 'postgres') {
    /** Another session holding `mode` on workout_selections in an open transaction. */
    async function lockSelections(url: string, mode: string): Promise<Client> {
      const session = new Client({ connectionString: url });
      await session.connect();
      await session.query('BEGIN');
      await session.query(`LOCK TABLE workout_selections IN ${mode} MODE`);
      return session;
    }
    /** The tool's sessions on the database, as of now. */
    const sessionsOf = async (session: Client, tool: string, waitingForLock = false) => {
      // Inside a transaction, pg_stat_activity answers as of its first read unless told to drop it.
      await session.query('SELECT pg_stat_clear_snapshot()');
      const { rows } = await session.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_stat_activity
          WHERE application_name = $1 AND datname = current_database()
            AND ($2::boolean IS FALSE OR wait_event_type = 'Lock')`,
        [tool, waitingForLock],
      );
      return rows[0].n;
    };
    const release = async (session: Client) => {
      await session.query('ROLLBACK').catch(() => undefined);
      await session.end();
    };

    it('pg_dump held up by a table lock fails within its bounds, leaves nothing behind, and the next backup runs', async () => {
      const folder = mkdtempSync(join(TEST_TMP, 'locked-'));
      const blocker = await lockSelections(t.db.url, 'ACCESS EXCLUSIVE');
      try {
        const env = (extra: Record<string, string>) =>
          cliEnv(t.db, { BACKUP_DIR: folder, ...extra });
        const waited = await runScript('backup', [], env({ BACKUP_LOCK_TIMEOUT_MS: '1000' }));
        expect(waited).toEqual({
          status: 1,
          stdout: '',
          stderr:
            'backup failed: pg_dump could not lock public.workout_selections within 1000 ms ' +
            '(BACKUP_LOCK_TIMEOUT_MS): another session holds it\n',
        });
        expect(readdirSync(folder)).toEqual([]);

        // The run's bound, the lock wait allowed longer; not "busy": the lock file was released.
        const bounds = { BACKUP_LOCK_TIMEOUT_MS: '600000', BACKUP_TIMEOUT_MS: '1500' };
        const stopped = await runScript('backup', [], env(bounds));
        expect(stopped).toEqual({
          status: 1,
          stdout: '',
          stderr:
            'backup failed: pg_dump did not finish within 1500 ms (BACKUP_TIMEOUT_MS): stopped it\n',
        });
        expect(readdirSync(folder)).toEqual([]);
        // Stopped, pg_dump cancelled its wait on the server too.
        await waitFor(
          'the stopped pg_dump session to end',
          async () => (await sessionsOf(blocker, 'pg_dump')) === 0,
          50,
        );
      } finally {
        await release(blocker);
      }
      const { file } = await backupNow(t.db, { BACKUP_DIR: folder });
      expect(readdirSync(folder)).toEqual([basename(file)]);
      rmSync(folder, { recursive: true, force: true });
    });

    it('pg_restore held up by a lock is stopped after BACKUP_TIMEOUT_MS and replaces nothing', async () => {
      const SELECTIONS = 'SELECT * FROM workout_selections ORDER BY id';
      const { file } = await backupNow();
      const db = await createTestDatabase('postgres');
      try {
        expect((await runScript('restore', [file, '--yes'], cliEnv(db))).status).toBe(0);
        const reader = await lockSelections(db.url, 'ACCESS SHARE');
        try {
          const before = (await reader.query(SELECTIONS)).rows;
          const run = await runScript(
            'restore',
            [file, '--yes'],
            cliEnv(db, { BACKUP_TIMEOUT_MS: '1500' }),
          );
          expect(run.status).toBe(1);
          expect(run.stderr).toBe(
            'restore refused: pg_restore did not finish within 1500 ms (BACKUP_TIMEOUT_MS): stopped it\n',
          );
          expect(run.stdout).not.toContain('Restored');
          await waitFor(
            'the stopped pg_restore session to end',
            async () => (await sessionsOf(reader, 'pg_restore')) === 0,
            50,
          );
          await reader.query('COMMIT');
          expect((await reader.query(SELECTIONS)).rows).toEqual(before);
        } finally {
          await release(reader);
        }
      } finally {
        await db.drop();
      }
    });

    it('a shutdown stops a backup still running after SHUTDOWN_GRACE_MS and removes its partial file', async () => {
      const folder = mkdtempSync(join(TEST_TMP, 'shutdown-'));
      const blocker = await lockSelections(t.db.url, 'ACCESS EXCLUSIVE');
      try {
        const server = await startServerProcess({
          DATABASE_URL: t.db.url,
          BACKUP_DIR: folder,
          BACKUP_INTERVAL_HOURS: '24',
          BACKUP_LOCK_TIMEOUT_MS: '600000',
          BACKUP_TIMEOUT_MS: '600000',
          SHUTDOWN_GRACE_MS: '1000',
          LOG_LEVEL: 'info',
        });
        try {
          await waitFor(
            'pg_dump waiting for the lock',
            async () => (await sessionsOf(blocker, 'pg_dump', true)) === 1,
          );
          expect(readdirSync(folder).filter((name) => name.endsWith('.partial'))).toHaveLength(1);
          process.kill(server.pid, 'SIGTERM');
          // While the lock is still held: the backup would otherwise wait for it for 10 minutes.
          const exit = await Promise.race([
            server.exited,
            sleep(30_000, 'still running', { ref: false }),
          ]);
          expect(exit).toEqual({ code: 0, signal: null });
        } finally {
          await server.stop();
        }
        expect(server.output()).toMatch(
          /"level":50,[^\n]*Backup stopped, nothing kept: pg_dump stopped: the server is shutting down and SHUTDOWN_GRACE_MS \(1000 ms\) passed/,
        );
        expect(server.output()).toContain('Shut down cleanly');
        expect(readdirSync(folder)).toEqual([]);
      } finally {
        await release(blocker);
        rmSync(folder, { recursive: true, force: true });
      }
    });
  }
});
