import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** The hash of the current iCalendar feed token; creating a new token replaces the row. */
@Entity('calendar_feed_tokens')
export class CalendarFeedToken {
  @PrimaryGeneratedColumn({ primaryKeyConstraintName: 'calendar_feed_tokens_pkey' })
  id!: number;

  /** Hex SHA-256 of the token; the token itself is shown once and never stored. */
  @Column({ name: 'token_hash', type: 'varchar', length: 64 })
  tokenHash!: string;

  @Column({ name: 'created_at', type: Date })
  createdAt!: Date;
}
