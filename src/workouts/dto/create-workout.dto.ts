import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional, IntersectionType, PickType } from '@nestjs/swagger';
import { IsBoolean, IsNumber, IsOptional, Min } from 'class-validator';
import { OptionalNotNull, Text, IsCalendarDate } from '../../http/validation';
import { UpsertSelectionDto } from '../../selections/dto/upsert-selection.dto';
import { ApiDate } from '../../http/openapi';

/** A finite number >= 0, or null to clear it. */
const PlanNumber = (description: string) =>
  applyDecorators(
    IsOptional(),
    IsNumber({ allowNaN: false, allowInfinity: false }),
    Min(0),
    ApiPropertyOptional({ type: Number, minimum: 0, nullable: true, description }),
  );

/** The columns of a workout a body may set. */
class WorkoutFieldsDto {
  @Text({ max: 500, nullable: false })
  title?: string;

  @Text({ max: 100, nullable: false })
  workoutType?: string;

  @Text({ max: 100_000, nullable: true })
  workoutDescription?: string | null;

  @IsCalendarDate()
  @ApiDate({ description: "The coach's day" })
  originallyPlannedDay!: string;

  @PlanNumber('Hours')
  plannedDuration?: number | null;

  @PlanNumber('Meters')
  plannedDistanceInMeters?: number | null;

  @Text({ max: 100_000, nullable: true })
  coachComments?: string | null;

  @PlanNumber('Training Stress Score')
  tss?: number | null;

  @PlanNumber('Intensity factor')
  intensityFactor?: number | null;

  @OptionalNotNull()
  @IsBoolean()
  @ApiPropertyOptional()
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
