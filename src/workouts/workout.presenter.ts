import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { toDateString, toIsoTimestamp } from '../shared/dates';
import { presentSelection, SelectionJson } from '../selections/selection.presenter';
import type { WorkoutWithSelection } from '../plan/workout-with-selection';
import { ApiDate, ApiTimestamp } from '../http/openapi';

/** The contract's Workout JSON: dates `YYYY-MM-DD`, timestamps ISO UTC, numbers as numbers. */
@ApiSchema({ name: 'Workout' })
export class WorkoutJson {
  @ApiProperty({ type: 'integer' })
  id!: number;

  @ApiProperty()
  title!: string;

  @ApiProperty()
  workoutType!: string;

  @ApiProperty({ type: String, nullable: true })
  workoutDescription!: string | null;

  @ApiProperty({ type: Number, nullable: true, description: 'Hours' })
  plannedDuration!: number | null;

  @ApiProperty({ type: Number, nullable: true, description: 'Meters' })
  plannedDistanceInMeters!: number | null;

  @ApiDate({ description: "The coach's day (a move is the selection's currentPlanDay)" })
  originallyPlannedDay!: string;

  @ApiProperty({ type: String, nullable: true })
  coachComments!: string | null;

  @ApiProperty({ type: Number, nullable: true })
  tss!: number | null;

  @ApiProperty({ type: Number, nullable: true })
  intensityFactor!: number | null;

  @ApiProperty()
  isCustom!: boolean;

  @ApiTimestamp({ nullable: true })
  createdAt!: string | null;

  @ApiProperty({
    type: () => SelectionJson,
    nullable: true,
    description: 'null while the workout has no selection row (shown as selected)',
  })
  selection!: SelectionJson | null;
}

/** GET /api/workouts. */
@ApiSchema({ name: 'WorkoutList' })
export class WorkoutListJson {
  @ApiProperty({ type: [WorkoutJson], description: 'By originallyPlannedDay, then id' })
  workouts!: WorkoutJson[];

  @ApiProperty({ type: 'integer' })
  count!: number;
}

const numberOrNull = (value: number | string | null): number | null =>
  value === null ? null : Number(value);

export function presentWorkout(workout: WorkoutWithSelection): WorkoutJson {
  return {
    id: Number(workout.id),
    title: workout.title,
    workoutType: workout.workoutType,
    workoutDescription: workout.workoutDescription,
    plannedDuration: numberOrNull(workout.plannedDuration),
    plannedDistanceInMeters: numberOrNull(workout.plannedDistanceMeters),
    originallyPlannedDay: toDateString(workout.originallyPlannedDay) ?? '',
    coachComments: workout.coachComments,
    tss: numberOrNull(workout.tss),
    intensityFactor: numberOrNull(workout.intensityFactor),
    isCustom: Boolean(workout.isCustom),
    createdAt: toIsoTimestamp(workout.createdAt),
    selection: workout.selection ? presentSelection(workout.selection) : null,
  };
}
