import { IntersectionType, PickType } from '@nestjs/mapped-types';
import { IsBoolean, IsNumber, IsOptional, Min } from 'class-validator';
import { IsCalendarDate } from '../../common/dates';
import { OptionalNotNull, Text } from '../../common/validation';
import { UpsertSelectionDto } from '../../selections/dto/upsert-selection.dto';

const FINITE = { allowNaN: false, allowInfinity: false };

/** The columns of a workout a body may set. */
class WorkoutFieldsDto {
  @Text({ max: 500, nullable: false })
  title?: string;

  @Text({ max: 100, nullable: false })
  workoutType?: string;

  @Text({ max: 100_000, nullable: true })
  workoutDescription?: string | null;

  @IsCalendarDate()
  originallyPlannedDay!: string;

  @IsOptional()
  @IsNumber(FINITE)
  @Min(0)
  plannedDuration?: number | null;

  @IsOptional()
  @IsNumber(FINITE)
  @Min(0)
  plannedDistanceInMeters?: number | null;

  @Text({ max: 100_000, nullable: true })
  coachComments?: string | null;

  @IsOptional()
  @IsNumber(FINITE)
  @Min(0)
  tss?: number | null;

  @IsOptional()
  @IsNumber(FINITE)
  @Min(0)
  intensityFactor?: number | null;

  @OptionalNotNull()
  @IsBoolean()
  isCustom?: boolean;
}

/**
 * Body of POST /api/workouts (a custom workout from the add-workout modal); `timeOfDay` and
 * `workoutLocation` place its selection, with the selection's own rules.
 */
export class CreateWorkoutDto extends IntersectionType(
  WorkoutFieldsDto,
  PickType(UpsertSelectionDto, ['timeOfDay', 'workoutLocation'] as const),
) {}
