import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A planned workout: imported from TrainingPeaks (the coach's plan) or added by the athlete. */
@Entity('workouts')
export class Workout {
  @PrimaryGeneratedColumn({ primaryKeyConstraintName: 'workouts_pkey' })
  id!: number;

  @Column({ type: 'varchar', length: 500 })
  title!: string;

  @Column({ name: 'workout_type', type: 'varchar', length: 100 })
  workoutType!: string;

  @Column({ name: 'workout_description', type: 'text', nullable: true })
  workoutDescription!: string | null;

  /** Hours. */
  @Column({ name: 'planned_duration', type: 'float', nullable: true })
  plannedDuration!: number | null;

  @Column({ name: 'planned_distance_meters', type: 'float', nullable: true })
  plannedDistanceMeters!: number | null;

  /** The coach's date, `YYYY-MM-DD`; a move is stored on the selection. */
  @Column({ name: 'originally_planned_day', type: 'date' })
  originallyPlannedDay!: string;

  @Column({ name: 'coach_comments', type: 'text', nullable: true })
  coachComments!: string | null;

  @Column({ type: 'float', nullable: true })
  tss!: number | null;

  @Column({ name: 'intensity_factor', type: 'float', nullable: true })
  intensityFactor!: number | null;

  @Column({ name: 'created_at', type: Date, nullable: true })
  createdAt!: Date | null;

  @Column({ name: 'is_custom', type: 'boolean', default: false })
  isCustom!: boolean;
}
