import { Body, Controller, Get, HttpCode, Post, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Public } from '../auth/public.decorator';
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
  async calendar(
    @Query('token') token: unknown,
    @Res({ passthrough: true }) response: FastifyReply,
  ) {
    const ics = await this.feed.feed(token);
    // Set only on success: a 401 stays JSON.
    void response.headers({
      'Content-Type': 'text/calendar; charset=utf-8',
      'Content-Disposition': 'inline; filename="workouts.ics"',
      'Cache-Control': 'private, no-store',
    });
    return ics;
  }
}
