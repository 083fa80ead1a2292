import type { TestApp } from './test-app';

/** Inserts `count` workouts straight into the database and returns their ids in order. */
export async function seedWorkouts(t: TestApp, count: number, prefix = 'seed'): Promise<number[]> {
  const tag = `${prefix}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
  for (let start = 0; start < count; start += 200) {
    const chunk = Array.from({ length: Math.min(200, count - start) }, (_, i) => start + i);
    await t.sql(
      `INSERT INTO workouts (title, workout_type, originally_planned_day, is_custom) VALUES ${chunk
        .map(() => '(?, ?, ?, ?)')
        .join(', ')}`,
      chunk.flatMap((i) => [
        `${tag} #${i}`,
        'Run',
        '2026-01-15',
        t.db.engine === 'sqlite' ? 0 : false,
      ]),
    );
  }
  const rows = await t.sql<{ id: number }>(
    'SELECT id FROM workouts WHERE title LIKE ? ORDER BY id',
    [`${tag} #%`],
  );
  return rows.map((row) => Number(row.id));
}

export interface SelectionRow {
  workout_id: number;
  is_selected: boolean | number | null;
  current_plan_day: string | Date | null;
  time_of_day: string | null;
  workout_location: string | null;
  user_notes: string | null;
}

/** The selection rows of the given workouts, normalised across engines. */
export async function selectionRows(t: TestApp, workoutIds: number[]) {
  const rows: SelectionRow[] = [];
  for (let start = 0; start < workoutIds.length; start += 500) {
    const chunk = workoutIds.slice(start, start + 500);
    rows.push(
      ...(await t.sql<SelectionRow>(
        `SELECT workout_id, is_selected, current_plan_day, time_of_day, workout_location, user_notes
         FROM workout_selections WHERE workout_id IN (${chunk.map(() => '?').join(', ')})`,
        chunk,
      )),
    );
  }
  return rows.map((row) => ({
    workoutId: Number(row.workout_id),
    isSelected: row.is_selected === null ? null : Boolean(row.is_selected),
    currentPlanDay:
      row.current_plan_day instanceof Date
        ? row.current_plan_day.toISOString().slice(0, 10)
        : row.current_plan_day,
    timeOfDay: row.time_of_day,
    workoutLocation: row.workout_location,
    userNotes: row.user_notes,
  }));
}

/** Fisher-Yates, so parallel requests do not arrive grouped by kind. */
export function shuffle<T>(items: T[]): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy;
}
