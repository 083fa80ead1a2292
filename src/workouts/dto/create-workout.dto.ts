import { IsBoolean, IsNumber, IsOptional, IsString, Length, MaxLength, Min } from 'class-validator';
import { IsCalendarDate } from '../../common/dates';
import { OptionalNotNull } from '../../common/validation';

const FINITE = { allowNaN: false, allowInfinity: false };

/** Body of POST /api/workouts (a custom workout from the add-workout modal). */
export class CreateWorkoutDto {
  @OptionalNotNull()
  @IsString()
  @MaxLength(500)
  title?: string;

  @OptionalNotNull()
  @IsString()
  @MaxLength(100)
  workoutType?: string;

  @IsOptional()
  @IsString()
  @MaxLength(100_000)
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

  @IsOptional()
  @IsString()
  @MaxLength(100_000)
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

  @IsOptional()
  @IsString()
  @Length(1, 50)
  timeOfDay?: string | null;

  @IsOptional()
  @IsString()
  @Length(1, 100)
  workoutLocation?: string | null;
}
