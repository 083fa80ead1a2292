import { MigrationInterface, QueryRunner } from 'typeorm';

/** The hashed token that authorises the iCalendar feed (separate from the users table). */
export class CalendarFeedTokens1795800000003 implements MigrationInterface {
  name = 'CalendarFeedTokens1795800000003';

  async up(queryRunner: QueryRunner): Promise<void> {
    if (queryRunner.connection.options.type === 'postgres') {
      await queryRunner.query(
        `CREATE TABLE "calendar_feed_tokens" ("id" SERIAL NOT NULL, "token_hash" character varying(64) NOT NULL, "created_at" TIMESTAMP NOT NULL, CONSTRAINT "calendar_feed_tokens_pkey" PRIMARY KEY ("id"))`,
      );
    } else {
      await queryRunner.query(
        `CREATE TABLE "calendar_feed_tokens" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "token_hash" varchar(64) NOT NULL, "created_at" datetime NOT NULL)`,
      );
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "calendar_feed_tokens"`);
  }
}
