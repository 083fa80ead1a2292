import { Logger } from '@nestjs/common';
import { MigrationInterface, QueryRunner } from 'typeorm';

/*
 * The SQL as it ran, frozen: a migration never follows later changes of the app's code (the
 * dedupe tool's rule lives in src/selections/dedupe and may change; this may not).
 */

/** Workouts with more than one selection row. */
const DUPLICATED_WORKOUTS = `SELECT workout_id FROM workout_selections GROUP BY workout_id HAVING COUNT(*) > 1`;

/** Per workout, the newest row (NULL updated_at counts as oldest; on a tie, the highest id). */
const KEPT_IDS = `SELECT ranked.id FROM (
      SELECT s.id, ROW_NUMBER() OVER (PARTITION BY s.workout_id ORDER BY (s.updated_at IS NULL), s.updated_at DESC, s.id DESC) AS rn
      FROM workout_selections s
    ) ranked WHERE ranked.rn = 1`;

const COUNT = `SELECT COUNT(*) AS workouts, SUM(n - 1) AS extra FROM (
     SELECT COUNT(*) AS n FROM workout_selections GROUP BY workout_id HAVING COUNT(*) > 1
   ) groups`;

/** Each column NULL in the kept row takes the newest non-NULL value of the other rows. */
const MERGES = [
  `UPDATE workout_selections SET is_selected = (
     SELECT o.is_selected FROM workout_selections o
     WHERE o.workout_id = workout_selections.workout_id AND o.is_selected IS NOT NULL
     ORDER BY (o.updated_at IS NULL), o.updated_at DESC, o.id DESC LIMIT 1
   )
   WHERE is_selected IS NULL
     AND workout_id IN (${DUPLICATED_WORKOUTS})
     AND id IN (${KEPT_IDS})`,
  `UPDATE workout_selections SET current_plan_day = (
     SELECT o.current_plan_day FROM workout_selections o
     WHERE o.workout_id = workout_selections.workout_id AND o.current_plan_day IS NOT NULL
     ORDER BY (o.updated_at IS NULL), o.updated_at DESC, o.id DESC LIMIT 1
   )
   WHERE current_plan_day IS NULL
     AND workout_id IN (${DUPLICATED_WORKOUTS})
     AND id IN (${KEPT_IDS})`,
  `UPDATE workout_selections SET time_of_day = (
     SELECT o.time_of_day FROM workout_selections o
     WHERE o.workout_id = workout_selections.workout_id AND o.time_of_day IS NOT NULL
     ORDER BY (o.updated_at IS NULL), o.updated_at DESC, o.id DESC LIMIT 1
   )
   WHERE time_of_day IS NULL
     AND workout_id IN (${DUPLICATED_WORKOUTS})
     AND id IN (${KEPT_IDS})`,
  `UPDATE workout_selections SET workout_location = (
     SELECT o.workout_location FROM workout_selections o
     WHERE o.workout_id = workout_selections.workout_id AND o.workout_location IS NOT NULL
     ORDER BY (o.updated_at IS NULL), o.updated_at DESC, o.id DESC LIMIT 1
   )
   WHERE workout_location IS NULL
     AND workout_id IN (${DUPLICATED_WORKOUTS})
     AND id IN (${KEPT_IDS})`,
  `UPDATE workout_selections SET user_notes = (
     SELECT o.user_notes FROM workout_selections o
     WHERE o.workout_id = workout_selections.workout_id AND o.user_notes IS NOT NULL
     ORDER BY (o.updated_at IS NULL), o.updated_at DESC, o.id DESC LIMIT 1
   )
   WHERE user_notes IS NULL
     AND workout_id IN (${DUPLICATED_WORKOUTS})
     AND id IN (${KEPT_IDS})`,
];

const DELETE_OTHERS = `DELETE FROM workout_selections
   WHERE workout_id IN (${DUPLICATED_WORKOUTS}) AND id NOT IN (${KEPT_IDS})`;

/**
 * Merges the duplicate selection rows the previous backend left behind, so the unique index of
 * the next migration can be created: for each workout with several rows, the newest row is kept
 * and its empty columns are filled from the others, newest first; then the others are deleted.
 */
export class DedupeWorkoutSelections1795800000001 implements MigrationInterface {
  name = 'DedupeWorkoutSelections1795800000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    const [row] = (await queryRunner.query(COUNT)) as {
      workouts: string | number;
      extra: string | number | null;
    }[];
    const workouts = Number(row.workouts);
    const rowsDeleted = Number(row.extra ?? 0);
    if (workouts > 0) {
      for (const merge of MERGES) await queryRunner.query(merge);
      await queryRunner.query(DELETE_OTHERS);
    }
    new Logger('Migration').log(
      `Dedupe of workout_selections: ${workouts} workouts had duplicates; ${rowsDeleted} rows removed`,
    );
  }

  async down(): Promise<void> {
    // Nothing to undo in the schema; the deleted duplicates cannot be recreated.
    new Logger('Migration').warn(
      'DedupeWorkoutSelections: down is a no-op; merged duplicate rows are not restored ' +
        '(restore the backup made by `npm run dedupe -- --backup` if you need them).',
    );
    return Promise.resolve();
  }
}
