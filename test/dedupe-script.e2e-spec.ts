import { spawnSync, SpawnSyncOptions } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Logger } from '@nestjs/common';
import { DedupeIo, dedupeCommand } from '../src/cli/dedupe.command';
import {
  applyRuleInMemory,
  createLegacyCopy,
  duplicateTotals,
  openDataSource,
  sha256,
  snapshot,
} from './support/legacy-database';
import { readSelections, Selection } from './support/sql';
import { createTestDatabase, ENGINES, TEST_TMP } from './support/test-database';
import type { TestDatabase } from './support/test-database';
import { childEnv } from './support/server-process';

const ROOT = resolve(__dirname, '..');
// These tests spawn the CLIs (1-4 s each); a project-level testTimeout is ignored by Jest.
jest.setTimeout(60_000);
const SCRIPT = join(ROOT, 'scripts/dedupe-workout-selections.ts');

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

describe.each(ENGINES)('npm run dedupe on a copy of the legacy database (%s)', (engine) => {
  /** The copy the read-only tests share; the tests that merge take a copy of their own. */
  let db: TestDatabase;
  let selectionsBefore: Selection[];
  /** What the rule (written again in the test) says a merge must report. */
  let expected: { workouts: number; rowsDeleted: number };
  let workDir: string;
  const copies: TestDatabase[] = [];

  const ownCopy = async () => {
    const copy = await createLegacyCopy(engine);
    copies.push(copy);
    return copy;
  };

  /** The script as an operator runs it, with stdin a pipe (not a terminal). */
  const dedupe = (args: string[], env: Record<string, string> = {}, target = db): Run => {
    const options: SpawnSyncOptions = {
      cwd: ROOT,
      // INIT_CWD is where npm was started: the PostgreSQL dump goes there.
      env: childEnv({ DATABASE_URL: target.url, INIT_CWD: workDir, ...env }),
      encoding: 'utf8',
      input: '',
    };
    const run = spawnSync(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', SCRIPT, ...args],
      options,
    );
    return run as Run;
  };

  /** What must not change while only looking. */
  const state = async () => {
    if (engine === 'sqlite') return sha256(db.path as string);
    const ds = await openDataSource(db);
    try {
      return await snapshot(ds);
    } finally {
      await ds.destroy();
    }
  };

  beforeAll(async () => {
    mkdirSync(TEST_TMP, { recursive: true });
    workDir = mkdtempSync(join(TEST_TMP, 'dedupe-'));
    db = await createLegacyCopy(engine);
    const ds = await openDataSource(db);
    selectionsBefore = await readSelections(ds);
    await ds.destroy();
    expected = duplicateTotals(selectionsBefore);
  });
  afterAll(async () => {
    rmSync(workDir, { recursive: true, force: true });
    for (const copy of copies) await copy.drop();
    await db.drop();
  });

  it('bad usage exits 2 and changes nothing', async () => {
    const unchanged = await state();
    const unknown = dedupe(['--frobnicate']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/Unknown option '--frobnicate'/);
    expect(unknown.stderr).toMatch(/Usage: npm run dedupe/);
    expect(dedupe(['--check', '--yes']).status).toBe(2);
    expect(await state()).toEqual(unchanged);
  });

  it('--check (through npm run) exits 1 and lists every duplicated workout', () => {
    const { workouts, rowsDeleted } = expected;
    const run = spawnSync('npm', ['run', '-s', 'dedupe', '--', '--check'], {
      cwd: ROOT,
      env: childEnv({ DATABASE_URL: db.url }),
      encoding: 'utf8',
      input: '',
    });
    expect(run.status).toBe(1);
    expect(run.stdout.match(/^workout \d+: \d+ rows/gm)).toHaveLength(workouts);
    expect(run.stdout).toContain(
      `DUPLICATES: ${workouts} workouts have more than one selection row (${rowsDeleted} extra rows)`,
    );
  });

  it('--dry-run shows rows found, row kept and merged values, and changes nothing', async () => {
    const unchanged = await state();
    const run = dedupe(['--dry-run']);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const totals = run.stdout.match(
      /^Dry run: (\d+) workouts had duplicates; (\d+) rows would be deleted\. Nothing was changed\.$/m,
    );
    expect(totals).not.toBeNull();
    expect({ workouts: Number(totals?.[1]), rowsDeleted: Number(totals?.[2]) }).toEqual(expected);

    // Every kept row it announces, with its merged values, is the rule's.
    const merged = applyRuleInMemory(selectionsBefore);
    const duplicated = new Set(
      selectionsBefore
        .filter((s, _, all) => all.filter((o) => o.workout_id === s.workout_id).length > 1)
        .map((s) => s.workout_id),
    );
    const results = [...run.stdout.matchAll(/^ {2}result id=(\d+) (.*)$/gm)];
    expect(results).toHaveLength(duplicated.size);
    const byId = new Map(merged.map((s) => [s.id, s]));
    for (const [, id, text] of results) {
      const row = byId.get(Number(id));
      expect(row && duplicated.has(row.workout_id)).toBe(true);
      expect(text).toContain(
        `time_of_day=${row?.time_of_day === null ? 'NULL' : `"${row?.time_of_day}"`}`,
      );
      expect(text).toContain(
        `current_plan_day=${row?.current_plan_day === null ? 'NULL' : `"${row?.current_plan_day}"`}`,
      );
    }
    expect(run.stdout.match(/^ {2}found {2}id=/gm)).toHaveLength(
      selectionsBefore.filter((s) => duplicated.has(s.workout_id)).length,
    );
    expect(await state()).toEqual(unchanged);
  });

  it('refuses without --yes when stdin is not a terminal, changing nothing', async () => {
    const unchanged = await state();
    const run = dedupe([]);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/refusing to change the database without confirmation/);
    expect(await state()).toEqual(unchanged);
  });

  it('on a terminal, asks, and anything but y aborts', async () => {
    const unchanged = await state();
    const questions: string[] = [];
    const lines: string[] = [];
    const io: DedupeIo = {
      out: (line) => lines.push(line),
      err: (line) => lines.push(line),
      isInteractive: true,
      ask: (question) => {
        questions.push(question);
        return Promise.resolve('n');
      },
      now: () => new Date(),
      workingDirectory: workDir,
    };
    expect(await dedupeCommand([], { DATABASE_URL: db.url }, io)).toBe(1);
    expect(questions).toEqual([
      expect.stringMatching(
        new RegExp(
          `Merge the duplicates of ${expected.workouts} workouts and delete ` +
            `${expected.rowsDeleted} rows in .*\\? \\(y/N\\) $`,
        ),
      ),
    ]);
    expect(lines).toContain('Aborted; nothing was changed.');
    expect(await state()).toEqual(unchanged);
  });

  if (engine === 'postgres') {
    it('--backup refuses with instructions when pg_dump is not on PATH', async () => {
      const unchanged = await state();
      const run = dedupe(['--backup', '--yes'], { PATH: '/nonexistent' });
      expect(run.status).toBe(1);
      expect(run.stderr).toMatch(/pg_dump is not on PATH.*back up yourself/s);
      expect(await state()).toEqual(unchanged);
    });
  }

  it('--backup --yes writes a readable backup, then merges with the totals of the rule', async () => {
    const target = await ownCopy();
    const run = dedupe(['--backup', '--yes'], {}, target);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(
      `${expected.workouts} workouts had duplicates; ${expected.rowsDeleted} rows deleted`,
    );
    const file = /^Backup written and checked: (.+)$/m.exec(run.stdout)?.[1] as string;
    expect(existsSync(file)).toBe(true);

    // The backup holds the database as it was before the merge.
    let copy: TestDatabase;
    if (engine === 'sqlite') {
      expect(file).toMatch(new RegExp(`^${target.path}\\.bak-\\d{8}T\\d{6}\\.\\d{3}Z$`));
      copy = { ...target, url: `sqlite:${file}`, path: file, drop: () => Promise.resolve() };
    } else {
      expect(file).toMatch(
        new RegExp(`^${workDir}/${target.name}\\.bak-\\d{8}T\\d{6}\\.\\d{3}Z\\.dump$`),
      );
      copy = await createTestDatabase('postgres');
      copies.push(copy);
      const restore = spawnSync('pg_restore', ['--no-owner', '-d', copy.url, file], {
        encoding: 'utf8',
        env: childEnv(),
      });
      expect(restore.stderr).toBe('');
    }
    const backup = await openDataSource(copy);
    try {
      expect(await readSelections(backup)).toEqual(selectionsBefore);
    } finally {
      await backup.destroy();
    }

    const ds = await openDataSource(target);
    try {
      expect(await readSelections(ds)).toEqual(applyRuleInMemory(selectionsBefore));
    } finally {
      await ds.destroy();
    }
  });

  it('--check exits 0 once the duplicates are gone', async () => {
    const target = await ownCopy();
    expect(dedupe(['--yes'], {}, target)).toMatchObject({ status: 0, stderr: '' });
    const run = dedupe(['--check'], {}, target);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('OK: no workout has more than one selection row.');
  });

  it('the dedupe migration applies the totals of the rule', async () => {
    const fresh = await ownCopy();
    const ds = await openDataSource(fresh);
    const log = jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    try {
      const count = async () => (await readSelections(ds)).length;
      const rowsBefore = await count();
      await ds.runMigrations();
      expect(log).toHaveBeenCalledWith(
        `Dedupe of workout_selections: ${expected.workouts} workouts had duplicates; ` +
          `${expected.rowsDeleted} rows removed`,
      );
      expect(rowsBefore - (await count())).toBe(expected.rowsDeleted);
    } finally {
      log.mockRestore();
      await ds.destroy();
    }
  });
});
