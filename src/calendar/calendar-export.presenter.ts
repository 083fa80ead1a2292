import { ApiProperty, ApiSchema, getSchemaPath } from '@nestjs/swagger';
import { ApiDate } from '../http/openapi';

@ApiSchema({ name: 'ExportedDate' })
export class ExportedDateJson {
  @ApiDate()
  date!: string;

  @ApiProperty({ enum: [true] })
  success!: true;

  @ApiProperty({ description: "The event's UID" })
  eventId!: string;
}

@ApiSchema({ name: 'FailedDate' })
export class FailedDateJson {
  @ApiDate()
  date!: string;

  @ApiProperty({ enum: [false] })
  success!: false;

  @ApiProperty()
  error!: string;
}

/** One date of an export: its event written, or why not. */
export type DateExportJson = ExportedDateJson | FailedDateJson;

@ApiSchema({ name: 'DateRange' })
class DateRangeJson {
  @ApiDate()
  start!: string;

  @ApiDate()
  end!: string;
}

/**
 * POST /api/export/calendar. Its route registers ExportedDateJson and FailedDateJson with the
 * document.
 */
@ApiSchema({ name: 'CalendarExport' })
export class CalendarExportJson {
  @ApiProperty({ example: 'Successfully exported workouts to calendar' })
  message!: string;

  @ApiProperty({ type: 'integer' })
  eventsCreated!: number;

  @ApiProperty({
    type: 'array',
    items: {
      oneOf: [{ $ref: getSchemaPath(ExportedDateJson) }, { $ref: getSchemaPath(FailedDateJson) }],
    },
    description: 'One per date with planned workouts',
  })
  results!: DateExportJson[];

  @ApiProperty()
  dateRange!: DateRangeJson;
}
