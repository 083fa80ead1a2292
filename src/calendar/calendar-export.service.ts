import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { addDays } from '../shared/dates';
import { DomainError } from '../shared/domain-error';
import type { AppConfig, CaldavConfig } from '../config/configuration';
import { TransactionRunner } from '../database/transaction-runner';
import { WorkoutsRepository } from '../plan/workouts.repository';
import {
  CaldavCalendar,
  CaldavCalendarMissing,
  CaldavClient,
  CaldavEvent,
  CaldavFailure,
  CaldavSettings,
} from './caldav.client';
import { CalendarExportJson, DateExportJson } from './calendar-export.presenter';
import { ExportCalendarDto } from './dto/export-calendar.dto';
import { summarizeEvent } from './icalendar-text';
import { buildPlanCalendar, eventFileName, eventUid } from './plan-icalendar';
import { planDays } from './workout-plan';

/**
 * Pushes the plan of a date range to a CalDAV calendar: one all-day event per date that has
 * planned workouts. Events are written first (stable names and UIDs, so a re-export
 * overwrites), and only then are the range's other events with the plan's title removed, so a
 * failure midway leaves the previous plan in place.
 */
@Injectable()
export class CalendarExportService {
  private readonly logger = new Logger(CalendarExportService.name);
  private readonly settings: CaldavConfig;

  constructor(
    config: ConfigService<AppConfig, true>,
    private readonly db: TransactionRunner,
    private readonly workouts: WorkoutsRepository,
    private readonly caldav: CaldavClient,
  ) {
    this.settings = config.get('caldav', { infer: true });
  }

  async export(dto: ExportCalendarDto): Promise<CalendarExportJson> {
    const { startDate: start, endDate: end } = dto;
    if (!start || !end) throw new DomainError('BAD_INPUT', 'startDate and endDate are required');
    if (start > end) {
      throw new DomainError('BAD_INPUT', 'startDate must be before or equal to endDate');
    }
    const settings = this.requireSettings();
    const all = await this.db.read((manager) => this.workouts.findAllWithSelection(manager));
    const days = planDays(all, { start, end });
    const title = this.settings.eventTitle;

    const calendar = await this.open(settings);
    // One day of margin each side: servers read all-day dates in their own zone.
    const existing = await this.inCalendar(() =>
      calendar.eventsBetween(`${addDays(start, -1)}T00:00:00Z`, `${addDays(end, 2)}T00:00:00Z`),
    );

    const results: DateExportJson[] = [];
    const written = new Set<string>();
    for (const day of days) {
      try {
        const ics = buildPlanCalendar([day], title).toString();
        await calendar.put(`${eventFileName(day.date)}`, ics);
        written.add(eventUid(day.date));
        results.push({ date: day.date, success: true, eventId: eventUid(day.date) });
      } catch (error) {
        this.logger.warn({ err: error }, `CalDAV export of ${day.date} failed`);
        const why = error instanceof CaldavFailure ? error.message : 'unexpected error';
        results.push({
          date: day.date,
          success: false,
          error: `Could not export ${day.date}: ${why}`,
        });
      }
    }

    const failedDates = new Set(results.filter((r) => !r.success).map((r) => r.date));
    await this.removeStale(calendar, existing, { start, end, title, written, failedDates });

    const created = results.length - failedDates.size;
    if (results.length > 0 && created === 0) {
      throw new DomainError(
        'BAD_GATEWAY',
        `No date could be exported: ${results.map((r) => (r.success ? '' : r.error)).join('; ')}`,
      );
    }
    return {
      message:
        failedDates.size === 0
          ? 'Successfully exported workouts to calendar'
          : `Exported ${created} of ${results.length} dates to calendar; see results for the failures`,
      eventsCreated: created,
      results,
      dateRange: { start, end },
    };
  }

  /**
   * Removes the range's earlier plan events that this export did not overwrite (`written` holds
   * the UIDs just written), except on dates
   * whose new event failed (the old one stays rather than leaving the day empty).
   */
  private async removeStale(
    calendar: CaldavCalendar,
    existing: CaldavEvent[],
    scope: {
      start: string;
      end: string;
      title: string;
      written: Set<string>;
      failedDates: Set<string>;
    },
  ): Promise<void> {
    for (const event of existing) {
      const { uid, summary, date } = summarizeEvent(event.data);
      // Just overwritten in place (its href may be spelled differently, e.g. percent-encoded).
      if (uid !== null && scope.written.has(uid)) continue;
      if (summary !== scope.title || date === null) continue;
      if (date < scope.start || date > scope.end || scope.failedDates.has(date)) continue;
      try {
        await calendar.remove(event);
      } catch (error) {
        this.logger.warn({ err: error }, `Could not remove the earlier event of ${date}`);
      }
    }
  }

  private requireSettings(): CaldavSettings {
    const { url, username, password, calendarName, timeoutMs } = this.settings;
    if (!url || !username || !password) {
      throw new DomainError(
        'MISCONFIGURED',
        'CalDAV credentials not configured. Please set CALDAV_URL, CALDAV_USERNAME, and CALDAV_PASSWORD environment variables.',
      );
    }
    if (!calendarName) {
      throw new DomainError(
        'MISCONFIGURED',
        'CalDAV calendar name not configured. Please set CALDAV_CALENDAR_NAME environment variable.',
      );
    }
    return { url, username, password, calendarName, timeoutMs };
  }

  private async open(settings: CaldavSettings): Promise<CaldavCalendar> {
    try {
      return await this.caldav.openCalendar(settings);
    } catch (error) {
      if (error instanceof CaldavCalendarMissing)
        throw new DomainError('MISCONFIGURED', error.message);
      throw this.badGateway(error);
    }
  }

  private async inCalendar<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw this.badGateway(error);
    }
  }

  private badGateway(error: unknown): DomainError {
    const why = error instanceof CaldavFailure ? error.message : 'CalDAV request failed';
    return new DomainError('BAD_GATEWAY', `Calendar export failed: ${why}`);
  }
}
