import { IsBoolean, IsOptional, IsString, Length, MaxLength } from 'class-validator';
import { IsCalendarDate } from '../../common/dates';
import { OptionalNotNull } from '../../common/validation';

/**
 * Body of PUT/POST /api/selections/:workoutId. Every key is optional: an absent key leaves the
 * column as it is, `null` clears it (except isSelected, which is a boolean or absent).
 */
export class UpsertSelectionDto {
  @OptionalNotNull()
  @IsBoolean()
  isSelected?: boolean;

  @IsOptional()
  @IsCalendarDate()
  currentPlanDay?: string | null;

  @IsOptional()
  @IsString()
  @Length(1, 50)
  timeOfDay?: string | null;

  @IsOptional()
  @IsString()
  @Length(1, 100)
  workoutLocation?: string | null;

  @IsOptional()
  @IsString()
  @MaxLength(10_000)
  userNotes?: string | null;
}
