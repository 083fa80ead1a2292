import { MigrationInterface, QueryRunner } from 'typeorm';

type Ddl = { table: string; create: string; after?: string[] };

// The previous backend's schema (its Alembic head plus the `users` table it made outside
// migrations), written the way TypeORM writes the entities so `migration:generate` stays empty.
const SQLITE: Ddl[] = [
  {
    table: 'workouts',
    create: `CREATE TABLE "workouts" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "title" varchar(500) NOT NULL, "workout_type" varchar(100) NOT NULL, "workout_description" text, "planned_duration" float, "planned_distance_meters" float, "originally_planned_day" date NOT NULL, "coach_comments" text, "tss" float, "intensity_factor" float, "created_at" datetime, "is_custom" boolean NOT NULL DEFAULT (0))`,
  },
  {
    table: 'workout_selections',
    create: `CREATE TABLE "workout_selections" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "workout_id" integer NOT NULL, "is_selected" boolean, "current_plan_day" date, "time_of_day" varchar(50), "workout_location" varchar(100), "user_notes" text, "updated_at" datetime, CONSTRAINT "workout_selections_workout_id_fkey" FOREIGN KEY ("workout_id") REFERENCES "workouts" ("id") ON DELETE NO ACTION ON UPDATE NO ACTION)`,
  },
  {
    table: 'users',
    create: `CREATE TABLE "users" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "username" varchar(120) NOT NULL, "password_hash" varchar(255) NOT NULL, "created_at" datetime, "last_login" datetime, CONSTRAINT "users_username_key" UNIQUE ("username"))`,
  },
];

const POSTGRES: Ddl[] = [
  {
    table: 'workouts',
    create: `CREATE TABLE "workouts" ("id" SERIAL NOT NULL, "title" character varying(500) NOT NULL, "workout_type" character varying(100) NOT NULL, "workout_description" text, "planned_duration" double precision, "planned_distance_meters" double precision, "originally_planned_day" date NOT NULL, "coach_comments" text, "tss" double precision, "intensity_factor" double precision, "created_at" TIMESTAMP, "is_custom" boolean NOT NULL DEFAULT false, CONSTRAINT "workouts_pkey" PRIMARY KEY ("id"))`,
  },
  {
    table: 'workout_selections',
    create: `CREATE TABLE "workout_selections" ("id" SERIAL NOT NULL, "workout_id" integer NOT NULL, "is_selected" boolean, "current_plan_day" date, "time_of_day" character varying(50), "workout_location" character varying(100), "user_notes" text, "updated_at" TIMESTAMP, CONSTRAINT "workout_selections_pkey" PRIMARY KEY ("id"))`,
    after: [
      `ALTER TABLE "workout_selections" ADD CONSTRAINT "workout_selections_workout_id_fkey" FOREIGN KEY ("workout_id") REFERENCES "workouts"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    ],
  },
  {
    table: 'users',
    create: `CREATE TABLE "users" ("id" SERIAL NOT NULL, "username" character varying(120) NOT NULL, "password_hash" character varying(255) NOT NULL, "created_at" TIMESTAMP, "last_login" TIMESTAMP, CONSTRAINT "users_username_key" UNIQUE ("username"), CONSTRAINT "users_pkey" PRIMARY KEY ("id"))`,
  },
];

/**
 * Creates the schema on an empty database. On a database made by the previous backend it
 * creates only the missing tables (databases built by its Alembic chain have no `users`) and
 * leaves existing tables and rows untouched.
 */
export class Baseline1795800000000 implements MigrationInterface {
  name = 'Baseline1795800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const ddl = queryRunner.connection.options.type === 'postgres' ? POSTGRES : SQLITE;
    for (const { table, create, after = [] } of ddl) {
      if (await queryRunner.hasTable(table)) continue;
      await queryRunner.query(create);
      for (const statement of after) await queryRunner.query(statement);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    // Dropping would destroy the user's data, including tables this migration did not create.
    await Promise.resolve(queryRunner);
    throw new Error(
      'The baseline migration cannot be reverted: it would drop the workouts, selections and users tables.',
    );
  }
}
