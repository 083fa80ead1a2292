import { Body, Controller, Get, HttpCode, Post, Query, Res } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ApiDatabaseUnavailable, ApiErrors } from '../http/openapi';
import { CalendarExportJson, ExportedDateJson, FailedDateJson } from './calendar-export.presenter';
import { CalendarExportService } from './calendar-export.service';
import { CalendarFeedService } from './calendar-feed.service';
import { ExportCalendarDto } from './dto/export-calendar.dto';
import { Public } from '../http/route-policy';

@ApiTags('calendar')
@ApiDatabaseUnavailable()
@Controller()
export class CalendarController {
  constructor(
    private readonly exporter: CalendarExportService,
    private readonly feed: CalendarFeedService,
  ) {}

  @Post('export/calendar')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Writes the plan of a date range to the CalDAV calendar, one event per day',
  })
  @ApiExtraModels(ExportedDateJson, FailedDateJson)
  @ApiOkResponse({ type: CalendarExportJson, description: 'Every date, or some, exported' })
  @ApiErrors(
    400,
    413,
    415,
    [500, 'CalDAV is not configured (the message says what is missing)'],
    [502, 'The CalDAV server failed, or no date could be exported'],
  )
  export(@Body() body: ExportCalendarDto) {
    return this.exporter.export(body);
  }

  // Calendar apps cannot send a login token: the feed checks its own `?token=`.
  @Public()
  @Get('calendar.ics')
  @ApiOperation({
    summary: 'The whole plan as an iCalendar feed, for calendar apps to subscribe to',
    description: 'Authenticated by its own token (`npm run user:create -- --feed-token`).',
  })
  @ApiQuery({ name: 'token', required: true, schema: { type: 'string', maxLength: 256 } })
  @ApiOkResponse({
    description: 'iCalendar text',
    content: { 'text/calendar': { schema: { type: 'string' } } },
  })
  @ApiErrors([401, 'Missing or wrong feed token'])
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
