import type { DataSource } from 'typeorm';
import type { SelectionRow } from '../../src/selections/dedupe/selection-dedupe';

/** Runs SQL written with `?` placeholders on either engine. */
export function sql<T = Record<string, unknown>>(
  ds: DataSource,
  query: string,
  params: unknown[] = [],
): Promise<T[]> {
  let n = 0;
  const text = ds.options.type === 'postgres' ? query.replace(/\?/g, () => `$${++n}`) : query;
  return ds.query(text, params);
}

/** A workout_selections row, alike on both engines (the dedupe reports' shape). */
export type Selection = SelectionRow;

/** The selection rows, by id: every one, or those of the given workouts. */
export async function readSelections(ds: DataSource, workoutIds?: number[]): Promise<Selection[]> {
  const select = `SELECT id, workout_id, is_selected, CAST(current_plan_day AS TEXT) AS current_plan_day,
       time_of_day, workout_location, user_notes, CAST(updated_at AS TEXT) AS updated_at
     FROM workout_selections`;
  const rows: Record<string, unknown>[] = [];
  if (workoutIds === undefined) {
    rows.push(...(await sql(ds, select)));
  } else {
    for (let start = 0; start < workoutIds.length; start += 500) {
      const chunk = workoutIds.slice(start, start + 500);
      rows.push(
        ...(await sql(
          ds,
          `${select} WHERE workout_id IN (${chunk.map(() => '?').join(', ')})`,
          chunk,
        )),
      );
    }
  }
  return rows
    .map((row) => ({
      ...(row as unknown as Selection),
      id: Number(row.id),
      workout_id: Number(row.workout_id),
      is_selected: row.is_selected === null ? null : Boolean(row.is_selected),
    }))
    .sort((a, b) => a.id - b.id);
}
