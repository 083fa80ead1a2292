import { IsOptional } from 'class-validator';
import { ApiDate } from '../../http/openapi';
import { IsCalendarDate } from '../../http/validation';

/**
 * Body of POST /api/export/calendar. Both dates are needed, but a missing one passes validation
 * so that the service can answer the contract's own message for it.
 */
export class ExportCalendarDto {
  @IsOptional()
  @IsCalendarDate()
  @ApiDate({ description: 'First day of the range' })
  startDate?: string | null;

  @IsOptional()
  @IsCalendarDate()
  @ApiDate({ description: 'Last day of the range (inclusive), not before startDate' })
  endDate?: string | null;
}
