import { parse } from 'csv-parse/sync';
import { DomainError } from '../shared/domain-error';
import type { WorkoutFields } from '../plan/workouts.repository';
import { codePointLength } from '../shared/text';

/** A TrainingPeaks export row as a workout to insert: every plan column, no bookkeeping one. */
export type ImportedWorkout = Required<Omit<WorkoutFields, 'isCustom' | 'createdAt'>>;

/**
 * `row` is the row number a spreadsheet shows for the record: the header is row 1, the first
 * data record row 2 (a quoted field spanning lines still counts as one row).
 */
export interface SkippedRow {
  row: number;
  reason: string;
}

export interface ParsedRow {
  row: number;
  workout: ImportedWorkout;
}

const TITLE_MAX = 500;
const TEXT_COLUMNS = ['Title', 'WorkoutType', 'WorkoutDescription', 'CoachComments'];
const TYPE_MAX = 100;
const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const DAY = /^(\d{4})-(\d{1,2})-(\d{1,2})$/;

type Row = Record<string, string | undefined>;

/** Parses the CSV text (header row, RFC 4180 quoting, CRLF or LF, optional UTF-8 BOM). */
export function parseCsvRecords(text: string): Row[] {
  try {
    return parse(text.replace(/^\uFEFF/, ''), {
      columns: true,
      skip_empty_lines: true,
      relax_column_count: true,
    });
  } catch (error) {
    throw new DomainError('BAD_INPUT', `CSV is not valid: ${(error as Error).message}`);
  }
}

/** `YYYY-MM-DD` for a real calendar day written year-month-day (single digits tolerated). */
export function parseWorkoutDay(value: string): string | null {
  const match = DAY.exec(value.trim());
  if (!match) return null;
  const [year, month, day] = match.slice(1).map(Number);
  const date = new Date(Date.UTC(year, month - 1, day));
  if (
    year < 1 ||
    date.getUTCFullYear() !== year ||
    date.getUTCMonth() !== month - 1 ||
    date.getUTCDate() !== day
  ) {
    return null;
  }
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

class RowError extends Error {}

function numberCell(record: Row, column: string): number | null {
  const text = (record[column] ?? '').trim();
  if (text === '') return null;
  const value = NUMBER.test(text) ? Number(text) : NaN;
  if (!Number.isFinite(value)) throw new RowError(`${column} is not a number: "${text}"`);
  return value;
}

/** The rules of one TrainingPeaks row; throws RowError with the reason to report. */
function toWorkout(record: Row): ImportedWorkout {
  const dayText = (record.WorkoutDay ?? '').trim();
  if (dayText === '') throw new RowError('WorkoutDay is empty');
  const day = parseWorkoutDay(dayText);
  if (!day) throw new RowError(`WorkoutDay is not a date (YYYY-MM-DD): "${dayText}"`);

  for (const column of TEXT_COLUMNS) {
    // PostgreSQL refuses NUL in text: skip the row rather than fail the file.
    if (record[column]?.includes('\0')) throw new RowError(`${column} contains a NUL character`);
  }
  const title = record.Title ?? '';
  if (codePointLength(title) > TITLE_MAX) {
    throw new RowError(`Title is longer than ${TITLE_MAX} characters`);
  }
  const workoutType = record.WorkoutType || 'Other';
  if (codePointLength(workoutType) > TYPE_MAX) {
    throw new RowError(`WorkoutType is longer than ${TYPE_MAX} characters`);
  }

  const intensityFactor = numberCell(record, 'IF');
  const hours = numberCell(record, 'TimeTotalInHours');
  let tss = numberCell(record, 'TSS');
  const plannedDuration = numberCell(record, 'PlannedDuration');
  const plannedDistanceMeters = numberCell(record, 'PlannedDistanceInMeters');
  // TrainingPeaks leaves TSS empty on planned workouts; derive it like the coach's tools do.
  if (tss === null && intensityFactor && hours) tss = hours * intensityFactor ** 2 * 100;

  return {
    title,
    workoutType,
    workoutDescription: record.WorkoutDescription ?? '',
    plannedDuration,
    plannedDistanceMeters,
    originallyPlannedDay: day,
    coachComments: record.CoachComments || null,
    tss,
    intensityFactor,
  };
}

/** Same title and same original day: the duplicate rule of the import. */
export const duplicateKey = (title: string, day: string) => `${day}\u0000${title}`;

/**
 * Applies the row rules and the duplicate rule (against `existingKeys` and earlier rows of the
 * same file). Pure: the service supplies the keys already in the database.
 */
export function planImport(
  records: Row[],
  existingKeys: ReadonlySet<string>,
): { rows: ParsedRow[]; skipped: SkippedRow[] } {
  const seen = new Set(existingKeys);
  const rows: ParsedRow[] = [];
  const skipped: SkippedRow[] = [];
  records.forEach((record, index) => {
    const row = index + 2;
    try {
      const workout = toWorkout(record);
      const key = duplicateKey(workout.title, workout.originallyPlannedDay);
      if (seen.has(key)) {
        const reason = existingKeys.has(key)
          ? 'duplicate: a workout with this title on this day already exists'
          : 'duplicate: an earlier row of the file has this title on this day';
        skipped.push({ row, reason });
        return;
      }
      seen.add(key);
      rows.push({ row, workout });
    } catch (error) {
      if (!(error instanceof RowError)) throw error;
      skipped.push({ row, reason: error.message });
    }
  });
  return { rows, skipped };
}

/** The days a file's records name, to look up existing duplicates in one query. */
export function daysOf(records: Row[]): string[] {
  const days = new Set<string>();
  for (const record of records) {
    const day = parseWorkoutDay(record.WorkoutDay ?? '');
    if (day) days.add(day);
  }
  return [...days].sort();
}
