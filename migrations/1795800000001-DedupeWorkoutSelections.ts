import { Logger } from '@nestjs/common';
import { MigrationInterface, QueryRunner } from 'typeorm';
import { mergeDuplicateSelections } from '../src/selections/dedupe/selection-dedupe';

/**
 * Merges the duplicate selection rows the previous backend left behind (see selection-dedupe.ts
 * for the rule), so the unique index of the next migration can be created.
 */
export class DedupeWorkoutSelections1795800000001 implements MigrationInterface {
  name = 'DedupeWorkoutSelections1795800000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    const { workouts, rowsDeleted } = await mergeDuplicateSelections(queryRunner.manager);
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
