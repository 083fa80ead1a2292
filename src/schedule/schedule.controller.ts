import { Controller, Get } from '@nestjs/common';
import { Public } from '../auth/public.decorator';
import { ScheduleService } from './schedule.service';

@Controller()
export class ScheduleController {
  constructor(private readonly schedule: ScheduleService) {}

  @Get('tri-club-schedule')
  triClubSchedule() {
    return this.schedule.triClubSchedule();
  }

  /** Public: the frontend fetches it with a bare fetch(), without the token. */
  @Public()
  @Get('weekly-targets')
  weeklyTargets() {
    return this.schedule.weeklyTargets();
  }
}
