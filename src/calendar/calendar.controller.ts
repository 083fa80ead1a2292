import { Body, Controller, Get, Header, HttpCode, Post, Query } from '@nestjs/common';
import { Public } from '../common/public.decorator';
import { CalendarExportService } from './calendar-export.service';
import { CalendarFeedService } from './calendar-feed.service';
import { ExportCalendarDto } from './dto/export-calendar.dto';

@Controller()
export class CalendarController {
  constructor(
    private readonly exporter: CalendarExportService,
    private readonly feed: CalendarFeedService,
  ) {}

  @Post('export/calendar')
  @HttpCode(200)
  export(@Body() body: ExportCalendarDto) {
    return this.exporter.export(body);
  }

  // Calendar apps cannot send a login token: the feed checks its own `?token=`.
  @Public()
  @Get('calendar.ics')
  @Header('Content-Type', 'text/calendar; charset=utf-8')
  @Header('Content-Disposition', 'inline; filename="workouts.ics"')
  @Header('Cache-Control', 'private, no-store')
  calendar(@Query('token') token: unknown) {
    return this.feed.feed(token);
  }
}
