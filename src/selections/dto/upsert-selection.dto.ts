import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional } from 'class-validator';
import { OptionalNotNull, Text, IsCalendarDate } from '../../http/validation';
import { ApiDate } from '../../http/openapi';

/**
 * Body of PUT/POST /api/selections/:workoutId. Every key is optional: an absent key leaves the
 * column as it is, `null` clears it (except isSelected, which is a boolean or absent).
 */
export class UpsertSelectionDto {
  @OptionalNotNull()
  @IsBoolean()
  @ApiPropertyOptional({ description: '`false` also clears timeOfDay unless the body sets it' })
  isSelected?: boolean;

  @IsOptional()
  @IsCalendarDate()
  @ApiDate({ required: false, nullable: true, description: 'The day it moved to; null: back' })
  currentPlanDay?: string | null;

  @Text({ min: 1, max: 50, nullable: true })
  timeOfDay?: string | null;

  @Text({ min: 1, max: 100, nullable: true })
  workoutLocation?: string | null;

  @Text({ max: 10_000, nullable: true })
  userNotes?: string | null;
}
