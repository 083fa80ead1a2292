import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { toDateString, toIsoTimestamp } from '../shared/dates';
import type { WorkoutSelection } from '../plan/workout-selection.entity';
import { ApiDate, ApiTimestamp } from '../http/openapi';

/** The contract's Selection JSON. */
@ApiSchema({ name: 'Selection' })
export class SelectionJson {
  @ApiProperty({ type: 'integer' })
  id!: number;

  @ApiProperty({ type: 'integer' })
  workoutId!: number;

  @ApiProperty({ type: Boolean, nullable: true })
  isSelected!: boolean | null;

  @ApiDate({ nullable: true, description: 'The day it was moved to, if it was' })
  currentPlanDay!: string | null;

  @ApiProperty({ type: String, nullable: true })
  timeOfDay!: string | null;

  @ApiProperty({ type: String, nullable: true })
  workoutLocation!: string | null;

  @ApiProperty({ type: String, nullable: true })
  userNotes!: string | null;

  @ApiTimestamp({ nullable: true })
  updatedAt!: string | null;
}

export function presentSelection(selection: WorkoutSelection): SelectionJson {
  return {
    id: Number(selection.id),
    workoutId: Number(selection.workoutId),
    isSelected: selection.isSelected,
    currentPlanDay: toDateString(selection.currentPlanDay),
    timeOfDay: selection.timeOfDay,
    workoutLocation: selection.workoutLocation,
    userNotes: selection.userNotes,
    updatedAt: toIsoTimestamp(selection.updatedAt),
  };
}
