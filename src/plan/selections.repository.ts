import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { utcTimestampText } from '../shared/dates';
import { hydrate, placeholder } from '../database/raw-sql';
import { SELECTION_COLUMNS, SelectionChanges } from './selection-changes';
import { WorkoutSelection } from './workout-selection.entity';

/** Every SQL statement on `workout_selections`. */
@Injectable()
export class SelectionsRepository {
  /**
   * Creates or updates the one row of a workout in a single statement. Only the given columns
   * (and `updated_at`) are written, so concurrent partial updates of different fields all
   * survive; the unique index on `workout_id` is the conflict target, so no second row can
   * appear. A new row starts selected.
   */
  async upsertForWorkout(
    manager: EntityManager,
    workoutId: number,
    changes: SelectionChanges,
  ): Promise<WorkoutSelection> {
    const postgres = manager.connection.options.type === 'postgres';
    const p = placeholder(manager);
    const params: unknown[] = [];
    // better-sqlite3 binds no booleans: 1/0 as SQLite stores them.
    const bind = (value: unknown): string => {
      params.push(postgres || typeof value !== 'boolean' ? value : Number(value));
      return p(params.length);
    };

    const provided = (Object.keys(SELECTION_COLUMNS) as (keyof SelectionChanges)[]).filter(
      (key) => changes[key] !== undefined,
    );
    const insertColumns = ['workout_id', 'updated_at'];
    const insertValues = [bind(workoutId), bind(utcTimestampText())];
    for (const key of provided) {
      insertColumns.push(SELECTION_COLUMNS[key]);
      insertValues.push(bind(changes[key]));
    }
    if (changes.isSelected === undefined) {
      insertColumns.push('is_selected');
      insertValues.push(bind(true));
    }
    const updates = ['updated_at', ...provided.map((key) => SELECTION_COLUMNS[key])]
      .map((column) => `"${column}" = excluded."${column}"`)
      .join(', ');

    const rows: Record<string, unknown>[] = await manager.query(
      `INSERT INTO "workout_selections" (${insertColumns.map((c) => `"${c}"`).join(', ')}) ` +
        `VALUES (${insertValues.join(', ')}) ` +
        `ON CONFLICT ("workout_id") DO UPDATE SET ${updates} RETURNING *`,
      params,
    );
    return hydrate(manager, WorkoutSelection, rows[0]);
  }

  /** Returns how many rows were deleted (0 or 1). */
  async deleteForWorkout(manager: EntityManager, workoutId: number): Promise<number> {
    const result = await manager.delete(WorkoutSelection, { workoutId });
    return result.affected ?? 0;
  }
}
