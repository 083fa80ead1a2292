import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Workout } from './workout.entity';

/** The athlete's choices for one workout: at most one row per workout. */
@Entity('workout_selections')
@Index('uq_workout_selections_workout_id', ['workoutId'], { unique: true })
export class WorkoutSelection {
  @PrimaryGeneratedColumn({ primaryKeyConstraintName: 'workout_selections_pkey' })
  id!: number;

  @Column({ name: 'workout_id', type: 'integer' })
  workoutId!: number;

  // ManyToOne rather than OneToOne: TypeORM's OneToOne would add its own unique constraint,
  // while the one-row rule is the named unique index of the migrations.
  @ManyToOne(() => Workout, { nullable: false, onDelete: 'NO ACTION', onUpdate: 'NO ACTION' })
  @JoinColumn({
    name: 'workout_id',
    foreignKeyConstraintName: 'workout_selections_workout_id_fkey',
  })
  workout?: Workout;

  @Column({ name: 'is_selected', type: 'boolean', nullable: true })
  isSelected!: boolean | null;

  @Column({ name: 'current_plan_day', type: 'date', nullable: true })
  currentPlanDay!: string | null;

  @Column({ name: 'time_of_day', type: 'varchar', length: 50, nullable: true })
  timeOfDay!: string | null;

  @Column({ name: 'workout_location', type: 'varchar', length: 100, nullable: true })
  workoutLocation!: string | null;

  @Column({ name: 'user_notes', type: 'text', nullable: true })
  userNotes!: string | null;

  @Column({ name: 'updated_at', type: Date, nullable: true })
  updatedAt!: Date | null;
}
