import { MigrationInterface, QueryRunner, TableIndex } from 'typeorm';

export const UNIQUE_SELECTION_INDEX = 'uq_workout_selections_workout_id';

/**
 * One selection row per workout, enforced by the database: a unique index (a plain
 * CREATE UNIQUE INDEX on both engines; TypeORM's unique constraint would rebuild the SQLite table).
 */
export class UniqueWorkoutSelection1795800000002 implements MigrationInterface {
  name = 'UniqueWorkoutSelection1795800000002';

  async up(queryRunner: QueryRunner): Promise<void> {
    if (queryRunner.connection.options.type === 'postgres') {
      // A database at the previous backend's last Alembic revision has a constraint of that name.
      await queryRunner.query(
        `ALTER TABLE "workout_selections" DROP CONSTRAINT IF EXISTS "${UNIQUE_SELECTION_INDEX}"`,
      );
    }
    await queryRunner.createIndex(
      'workout_selections',
      new TableIndex({ name: UNIQUE_SELECTION_INDEX, columnNames: ['workout_id'], isUnique: true }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('workout_selections', UNIQUE_SELECTION_INDEX);
  }
}
