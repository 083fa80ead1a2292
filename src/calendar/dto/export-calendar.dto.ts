import { IsOptional } from 'class-validator';
import { IsCalendarDate } from '../../common/dates';

/** Body of POST /api/export/calendar; the service says when a date is missing. */
export class ExportCalendarDto {
  @IsOptional()
  @IsCalendarDate()
  startDate?: string | null;

  @IsOptional()
  @IsCalendarDate()
  endDate?: string | null;
}
