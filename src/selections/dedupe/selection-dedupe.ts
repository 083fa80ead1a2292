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

export interface SelectionRow {
  id: number;
  workout_id: number;
  is_selected: boolean | number | null;
  current_plan_day: string | Date | null;
  time_of_day: string | null;
  workout_location: string | null;
  user_notes: string | null;
  updated_at: string | Date | null;
}

export async function countDuplicates(manager: EntityManager): Promise<DedupeTotals> {
  const [row] = await manager.query<{ workouts: string | number; extra: string | number | null }[]>(
    `SELECT COUNT(*) AS workouts, SUM(n - 1) AS extra FROM (
       SELECT COUNT(*) AS n FROM workout_selections GROUP BY workout_id HAVING COUNT(*) > 1
     ) groups`,
  );
  return { workouts: Number(row.workouts), rowsDeleted: Number(row.extra ?? 0) };
}

/** Every row of every duplicated workout, grouped by workout and newest first. */
export function duplicateRows(manager: EntityManager): Promise<SelectionRow[]> {
  return manager.query(
    `SELECT s.* FROM workout_selections s
     WHERE s.workout_id IN (${DUPLICATED_WORKOUTS})
     ORDER BY s.workout_id, ${NEWEST_FIRST('s')}`,
  );
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
