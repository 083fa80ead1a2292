import { Column, Entity, PrimaryGeneratedColumn, Unique } from 'typeorm';

/** The single athlete who may log in. */
@Entity('users')
@Unique('users_username_key', ['username'])
export class User {
  @PrimaryGeneratedColumn({ primaryKeyConstraintName: 'users_pkey' })
  id!: number;

  @Column({ type: 'varchar', length: 120 })
  username!: string;

  @Column({ name: 'password_hash', type: 'varchar', length: 255 })
  passwordHash!: string;

  @Column({ name: 'created_at', type: Date, nullable: true })
  createdAt!: Date | null;

  @Column({ name: 'last_login', type: Date, nullable: true })
  lastLogin!: Date | null;
}
