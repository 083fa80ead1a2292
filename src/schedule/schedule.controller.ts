import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors, ErrorStatus } from '../http/openapi';
import { TRI_CLUB_SCHEDULE_SCHEMA, WEEKLY_TARGETS_SCHEMA } from './schedule-files';
import { ScheduleService } from './schedule.service';
import { Public } from '../http/route-policy';

const FILE_INVALID: [ErrorStatus, string] = [
  500,
  'The configured file is missing, unreadable or invalid (the log says why)',
];

@ApiTags('schedule')
@Controller()
export class ScheduleController {
  constructor(private readonly schedule: ScheduleService) {}

  @Get('tri-club-schedule')
  @ApiOperation({ summary: 'The tri club schedule file (TRI_CLUB_SCHEDULE_FILE), as it is' })
  @ApiOkResponse({ schema: TRI_CLUB_SCHEDULE_SCHEMA })
  @ApiErrors(FILE_INVALID)
  triClubSchedule() {
    return this.schedule.triClubSchedule();
  }

  /** Public: the frontend fetches it with a bare fetch(), without the token. */
  @Public()
  @Get('weekly-targets')
  @ApiOperation({
    summary: 'The weekly targets file (WEEKLY_TARGETS_FILE), as it is; `[]` when there is none',
  })
  @ApiOkResponse({ schema: WEEKLY_TARGETS_SCHEMA })
  @ApiErrors(FILE_INVALID)
  weeklyTargets() {
    return this.schedule.weeklyTargets();
  }
}
