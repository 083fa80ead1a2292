import type { EntityManager } from 'typeorm';

/**
 * The one implementation of the duplicate-selection rule, used by the dedupe migration and by
 * `scripts/dedupe-workout-selections.ts`.
 *
 * For each workout with several rows: keep the row with the latest `updated_at` (NULL is the
 * oldest; on equal timestamps the highest id). Each of the merged columns that is NULL in the
 * kept row takes the value of the most recent other row where it is not NULL (`false` is a
 * value). Then the other rows go. `updated_at` of the kept row stays as it was.
 *
 * The SQL is the same on SQLite and PostgreSQL and set-based: one UPDATE per column and one DELETE.
 */
export const MERGED_COLUMNS = [
  'is_selected',
  'current_plan_day',
  'time_of_day',
  'workout_location',
  'user_notes',
] as const;

/** Newest first; `(updated_at IS NULL)` puts NULL last on both engines. */
const NEWEST_FIRST = (alias: string) =>
  `(${alias}.updated_at IS NULL), ${alias}.updated_at DESC, ${alias}.id DESC`;

const KEPT_IDS = `SELECT ranked.id FROM (
    SELECT s.id, ROW_NUMBER() OVER (PARTITION BY s.workout_id ORDER BY ${NEWEST_FIRST('s')}) AS rn
    FROM workout_selections s
  ) ranked WHERE ranked.rn = 1`;

const DUPLICATED_WORKOUTS = `SELECT workout_id FROM workout_selections GROUP BY workout_id HAVING COUNT(*) > 1`;

export interface DedupeTotals {
  /** Workouts that had more than one row. */
  workouts: number;
  /** Rows deleted (or that would be). */
  rowsDeleted: number;
}

/** A selection row as the dedupe reports show it, the same on both engines. */
export interface SelectionRow {
  id: number;
  workout_id: number;
  is_selected: boolean | null;
  /** `YYYY-MM-DD`. */
  current_plan_day: string | null;
  time_of_day: string | null;
  workout_location: string | null;
  user_notes: string | null;
  /** As stored, `YYYY-MM-DD hh:mm:ss.ffffff`: a JS Date would drop the microseconds that order rows. */
  updated_at: string | null;
}

type RawSelectionRow = Omit<SelectionRow, 'is_selected' | 'id' | 'workout_id'> & {
  id: number | string;
  workout_id: number | string;
  is_selected: boolean | number | null;
};

const ROW_COLUMNS = `s.id, s.workout_id, s.is_selected,
  CAST(s.current_plan_day AS TEXT) AS current_plan_day, s.time_of_day, s.workout_location,
  s.user_notes, CAST(s.updated_at AS TEXT) AS updated_at`;

// SQLite returns booleans as 0/1.
const toSelectionRow = (raw: RawSelectionRow): SelectionRow => ({
  ...raw,
  id: Number(raw.id),
  workout_id: Number(raw.workout_id),
  is_selected: raw.is_selected === null ? null : Boolean(raw.is_selected),
});

export async function countDuplicates(manager: EntityManager): Promise<DedupeTotals> {
  const [row] = await manager.query<{ workouts: string | number; extra: string | number | null }[]>(
    `SELECT COUNT(*) AS workouts, SUM(n - 1) AS extra FROM (
       SELECT COUNT(*) AS n FROM workout_selections GROUP BY workout_id HAVING COUNT(*) > 1
     ) groups`,
  );
  return { workouts: Number(row.workouts), rowsDeleted: Number(row.extra ?? 0) };
}

/** Every row of every duplicated workout, grouped by workout and newest first. */
export async function duplicateRows(manager: EntityManager): Promise<SelectionRow[]> {
  const rows = await manager.query<RawSelectionRow[]>(
    `SELECT ${ROW_COLUMNS} FROM workout_selections s
     WHERE s.workout_id IN (${DUPLICATED_WORKOUTS})
     ORDER BY s.workout_id, ${NEWEST_FIRST('s')}`,
  );
  return rows.map(toSelectionRow);
}

/** The rows of the given workouts, grouped by workout and newest first. */
export async function selectionRowsOf(
  manager: EntityManager,
  workoutIds: number[],
): Promise<SelectionRow[]> {
  if (workoutIds.length === 0) return [];
  const rows = await manager.query<RawSelectionRow[]>(
    `SELECT ${ROW_COLUMNS} FROM workout_selections s
     WHERE s.workout_id IN (${workoutIds.map((id) => Number(id)).join(', ')})
     ORDER BY s.workout_id, ${NEWEST_FIRST('s')}`,
  );
  return rows.map(toSelectionRow);
}

/** Applies the rule; run it inside a transaction. */
export async function mergeDuplicateSelections(manager: EntityManager): Promise<DedupeTotals> {
  const totals = await countDuplicates(manager);
  if (totals.workouts === 0) return totals;
  for (const column of MERGED_COLUMNS) {
    await manager.query(
      `UPDATE workout_selections SET ${column} = (
         SELECT o.${column} FROM workout_selections o
         WHERE o.workout_id = workout_selections.workout_id AND o.${column} IS NOT NULL
         ORDER BY ${NEWEST_FIRST('o')} LIMIT 1
       )
       WHERE ${column} IS NULL
         AND workout_id IN (${DUPLICATED_WORKOUTS})
         AND id IN (${KEPT_IDS})`,
    );
  }
  await manager.query(
    `DELETE FROM workout_selections
     WHERE workout_id IN (${DUPLICATED_WORKOUTS}) AND id NOT IN (${KEPT_IDS})`,
  );
  return totals;
}
