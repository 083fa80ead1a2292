import { readSelections } from './sql';
import type { TestApp } from './test-app';

/** Deletes every workout and selection: the empty plan a test starts from. */
export async function clearWorkouts(t: TestApp): Promise<void> {
  await t.sql('DELETE FROM workout_selections');
  await t.sql('DELETE FROM workouts');
}

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

/** The selection rows of the given workouts, by id, with the API's field names. */
export async function selectionRows(t: TestApp, workoutIds: number[]) {
  return (await readSelections(t.dataSource, workoutIds)).map((row) => ({
    workoutId: row.workout_id,
    isSelected: row.is_selected,
    currentPlanDay: row.current_plan_day,
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
