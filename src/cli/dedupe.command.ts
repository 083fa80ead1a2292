import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DataSource, EntityManager } from 'typeorm';
import { confirm, EXIT, ExitCode, InteractiveIo } from './terminal';
import { ConfigError, readDatabase } from '../config/configuration';
import { DatabaseTarget, describeTarget, sessionUrl } from '../config/database-url';
import { utcStamp } from '../backup/backup-folder';
import { checkSqliteFile, copySqlite } from '../backup/sqlite-backup';
import { buildDataSourceOptions } from '../database/data-source.options';
import { TransactionRunner } from '../database/transaction-runner';
import {
  countDuplicates,
  duplicateRows,
  MERGED_COLUMNS,
  mergeDuplicateSelections,
  SelectionRow,
  selectionRowsOf,
} from '../selections/dedupe/selection-dedupe';
import { BackupError, MissingToolError } from '../backup/backup-errors';
import { dumpPostgres } from '../backup/postgres-backup';

export const USAGE = `Usage: npm run dedupe -- [--dry-run | --check] [--backup] [--yes]

Merges duplicate workout_selections rows (the rule of the dedupe migration) in the database
named by DATABASE_URL (sqlite:<path> or postgres://...). Works before migrations are applied.

  --dry-run   show, per affected workout, the rows found, the row kept and the merged values,
              and the totals; changes nothing
  --check     read-only: exit 1 and list the workouts when duplicates exist, else exit 0
  --backup    before changing anything: copy a SQLite file to <file>.bak-<UTC timestamp>, or
              run pg_dump to <database>.bak-<UTC timestamp>.dump in the directory you ran it
              from (the pg_dump and pg_restore of your server's version must be on PATH)
  --yes       do not ask for confirmation (required when stdin is not a terminal)
  --help      this text

Exit codes: 0 done (or, with --check, no duplicates), 1 refused or failed (or duplicates found
by --check), 2 bad usage.`;

export interface DedupeOptions {
  dryRun: boolean;
  check: boolean;
  backup: boolean;
  yes: boolean;
  help: boolean;
}

/** The outside world of the command, replaced in tests. */
export interface DedupeIo extends InteractiveIo {
  /** The backup timestamp; a parameter so tests can pin it. */
  now(): Date;
  /** Where a PostgreSQL dump goes: the operator's directory (npm run moves to the project's). */
  workingDirectory: string;
}

export class UsageError extends Error {}

export function parseDedupeArgs(argv: string[]): DedupeOptions {
  let values: Partial<Record<keyof DedupeOptions | 'dry-run', boolean>>;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        'dry-run': { type: 'boolean' },
        check: { type: 'boolean' },
        backup: { type: 'boolean' },
        yes: { type: 'boolean', short: 'y' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const options: DedupeOptions = {
    dryRun: values['dry-run'] ?? false,
    check: values.check ?? false,
    backup: values.backup ?? false,
    yes: values.yes ?? false,
    help: values.help ?? false,
  };
  if (options.check && (options.dryRun || options.backup || options.yes)) {
    throw new UsageError('--check is read-only and takes no other flag');
  }
  if (options.dryRun && options.backup) {
    throw new UsageError('--dry-run changes nothing, so there is nothing to back up for');
  }
  return options;
}

/** Runs the command; returns the exit code. Never throws. */
export async function dedupeCommand(
  argv: string[],
  env: Record<string, string | undefined>,
  io: DedupeIo,
): Promise<ExitCode> {
  let options: DedupeOptions;
  let target: DatabaseTarget;
  try {
    options = parseDedupeArgs(argv);
    if (options.help) {
      io.out(USAGE);
      return EXIT.ok;
    }
    target = readDatabase(env);
  } catch (error) {
    if (!(error instanceof UsageError || error instanceof ConfigError)) throw error;
    io.err(`dedupe: ${error.message}`);
    io.err(USAGE);
    return EXIT.usage;
  }

  if (target.engine === 'sqlite' && (target.path === ':memory:' || !existsSync(target.path))) {
    io.err(`dedupe: no database file at ${target.path} (check DATABASE_URL)`);
    return EXIT.failed;
  }

  const base = buildDataSourceOptions(target);
  const dataSource = new DataSource(
    // The point is to work on a legacy database: no migration is looked at or run.
    base.type === 'better-sqlite3'
      ? { ...base, migrations: [], fileMustExist: true, readonly: options.check }
      : { ...base, migrations: [] },
  );
  try {
    await dataSource.initialize();
    if (!(await hasSelectionsTable(dataSource))) {
      io.err(`dedupe: ${describeTarget(target)} has no workout_selections table`);
      return EXIT.failed;
    }
    if (options.check) return await check(dataSource.manager, io);
    if (options.dryRun) return await dryRun(dataSource, io);
    return await dedupe(dataSource, target, options, io);
  } catch (error) {
    io.err(`dedupe failed: ${(error as Error).message}`);
    return EXIT.failed;
  } finally {
    if (dataSource.isInitialized) await dataSource.destroy();
  }
}

async function check(manager: EntityManager, io: DedupeIo): Promise<ExitCode> {
  const rows = await duplicateRows(manager);
  if (rows.length === 0) {
    io.out('OK: no workout has more than one selection row.');
    return EXIT.ok;
  }
  const groups = groupByWorkout(rows);
  for (const [workoutId, group] of groups) {
    io.out(`workout ${workoutId}: ${group.length} rows (ids ${group.map((r) => r.id).join(', ')})`);
  }
  io.out(
    `DUPLICATES: ${groups.size} workouts have more than one selection row ` +
      `(${rows.length - groups.size} extra rows). Run \`npm run dedupe -- --dry-run\`.`,
  );
  return EXIT.failed;
}

/** Applies the rule in a transaction that is rolled back, so the report is exactly what a run does. */
async function dryRun(dataSource: DataSource, io: DedupeIo): Promise<ExitCode> {
  const { found, kept, totals } = await new TransactionRunner(dataSource).rehearse(
    async (manager) => {
      const found = await duplicateRows(manager);
      const totals = await mergeDuplicateSelections(manager);
      const kept = await selectionRowsOf(manager, [...groupByWorkout(found).keys()]);
      return { found, kept, totals };
    },
  );
  const keptByWorkout = new Map(kept.map((row) => [row.workout_id, row]));
  for (const [workoutId, group] of groupByWorkout(found)) {
    const result = keptByWorkout.get(workoutId);
    const original = group.find((row) => row.id === result?.id);
    if (!result || !original) throw new Error(`dry run: no kept row for workout ${workoutId}`);
    io.out(`workout ${workoutId}: ${group.length} rows`);
    for (const row of group) io.out(`  found  ${formatRow(row)}`);
    const merged = MERGED_COLUMNS.filter((column) => original[column] !== result[column]).map(
      (column) => `${column}=${formatValue(result[column])}`,
    );
    io.out(`  keep   id=${result.id}; merged: ${merged.length ? merged.join(' ') : 'nothing'}`);
    io.out(`  result ${formatRow(result)}`);
  }
  io.out(
    `Dry run: ${totals.workouts} workouts had duplicates; ${totals.rowsDeleted} rows would be ` +
      'deleted. Nothing was changed.',
  );
  return EXIT.ok;
}

async function dedupe(
  dataSource: DataSource,
  target: DatabaseTarget,
  options: DedupeOptions,
  io: DedupeIo,
): Promise<ExitCode> {
  const planned = await countDuplicates(dataSource.manager);
  if (planned.workouts === 0) {
    io.out('0 workouts had duplicates; 0 rows deleted');
    return EXIT.ok;
  }
  const confirmed = await confirm(io, {
    command: 'dedupe',
    yes: options.yes,
    question:
      `Merge the duplicates of ${planned.workouts} workouts and delete ${planned.rowsDeleted} ` +
      `rows in ${describeTarget(target)}?`,
    rerun: 'Re-run with --yes (after --dry-run, and with --backup).',
  });
  if (!confirmed) return EXIT.failed;
  if (options.backup) {
    try {
      io.out(`Backup written and checked: ${await backupFirst(target, io)}`);
    } catch (error) {
      if (!(error instanceof BackupError)) throw error;
      io.err(`dedupe: ${refusal(error)}`);
      return EXIT.failed;
    }
  }
  // The app's write path: on SQLite BEGIN IMMEDIATE, so a running app makes us wait (busy
  // timeout) instead of failing halfway.
  const totals = await new TransactionRunner(dataSource).write(
    { what: 'the dedupe' },
    mergeDuplicateSelections,
  );
  const left = await countDuplicates(dataSource.manager);
  if (left.workouts > 0) {
    io.err(`dedupe: ${left.workouts} workouts still have duplicates (written meanwhile?)`);
    return EXIT.failed;
  }
  io.out(`${totals.workouts} workouts had duplicates; ${totals.rowsDeleted} rows deleted`);
  return EXIT.ok;
}

/**
 * The copy `--backup` makes: `<file>.bak-<stamp>` beside a SQLite
 * file, `<database>.bak-<stamp>.dump` where the command was run for PostgreSQL.
 */
async function backupFirst(target: DatabaseTarget, io: DedupeIo): Promise<string> {
  const stamp = utcStamp(io.now());
  if (target.engine === 'sqlite') {
    const copy = await copySqlite(target.path, `${target.path}.bak-${stamp}`);
    // Nothing may write during a dedupe: the copy has the rows the database has.
    const source = checkSqliteFile(target.path);
    for (const table of ['workouts', 'workout_selections']) {
      if (copy.check?.tables[table] !== source.tables[table]) {
        throw new BackupError(`backup check failed: ${table} differs in ${copy.file}`);
      }
    }
    return copy.file;
  }
  const database = decodeURIComponent(new URL(target.url).pathname.slice(1)) || 'postgres';
  const file = join(io.workingDirectory, `${database}.bak-${stamp}.dump`);
  return (await dumpPostgres(sessionUrl(target), file)).file;
}

function refusal(error: BackupError): string {
  if (!(error instanceof MissingToolError)) return error.message;
  return (
    `${error.tool} is not on PATH, so --backup cannot back up PostgreSQL. Install the PostgreSQL ` +
    'client tools of your server version (e.g. apt-get install postgresql-client-15), or back up ' +
    'yourself (pg_dump --format=custom --file=backup.dump "$DATABASE_URL", or your provider\'s ' +
    'snapshot) and run again without --backup.'
  );
}

async function hasSelectionsTable(dataSource: DataSource): Promise<boolean> {
  const queryRunner = dataSource.createQueryRunner();
  try {
    return await queryRunner.hasTable('workout_selections');
  } finally {
    await queryRunner.release();
  }
}

function groupByWorkout(rows: SelectionRow[]): Map<number, SelectionRow[]> {
  const groups = new Map<number, SelectionRow[]>();
  for (const row of rows) groups.set(row.workout_id, [...(groups.get(row.workout_id) ?? []), row]);
  return groups;
}

function formatValue(value: string | boolean | null): string {
  return value === null ? 'NULL' : typeof value === 'string' ? JSON.stringify(value) : `${value}`;
}

function formatRow(row: SelectionRow): string {
  const fields = MERGED_COLUMNS.map((column) => `${column}=${formatValue(row[column])}`);
  return `id=${row.id} updated_at=${formatValue(row.updated_at)} ${fields.join(' ')}`;
}
