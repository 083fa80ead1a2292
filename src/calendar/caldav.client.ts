import { Injectable, Logger } from '@nestjs/common';
import { DAVCalendar, DAVClient } from 'tsdav';

export interface CaldavSettings {
  url: string;
  username: string;
  password: string;
  calendarName: string;
  timeoutMs: number;
}

export interface CaldavEvent {
  url: string;
  etag?: string;
  data: string;
}

/** A CalDAV failure whose message is safe to show: no URL, user name or password. */
export class CaldavFailure extends Error {}

/** The configured calendar name matches no calendar of the account: a configuration error. */
export class CaldavCalendarMissing extends CaldavFailure {}

/**
 * tsdav's requests go through this fetch: every request gets the timeout, and transport
 * failures and refused credentials become CaldavFailures with plain messages.
 */
function guardedFetch(timeoutMs: number): typeof fetch {
  return async (input, init) => {
    let response: Response;
    try {
      response = await fetch(input, { ...init, signal: AbortSignal.timeout(timeoutMs) });
    } catch (error) {
      const name = (error as Error)?.name;
      if (name === 'TimeoutError' || name === 'AbortError') {
        throw new CaldavFailure(`The CalDAV server did not answer within ${timeoutMs} ms`);
      }
      throw new CaldavFailure('Could not reach the CalDAV server');
    }
    if (response.status === 401 || response.status === 403) {
      throw new CaldavFailure(
        `The CalDAV server refused the configured credentials (HTTP ${response.status})`,
      );
    }
    return response;
  };
}

function safe(error: unknown, what: string): CaldavFailure {
  return error instanceof CaldavFailure ? error : new CaldavFailure(`CalDAV ${what} failed`);
}

/** One calendar of the CalDAV account, found by its display name. */
export class CaldavCalendar {
  constructor(
    private readonly dav: DAVClient,
    private readonly calendar: DAVCalendar,
    private readonly logger: Logger,
  ) {}

  /** Events overlapping [start, end) (UTC instants, as CalDAV time ranges are). */
  async eventsBetween(start: string, end: string): Promise<CaldavEvent[]> {
    try {
      const objects = await this.dav.fetchCalendarObjects({
        calendar: this.calendar,
        timeRange: { start, end },
        urlFilter: (url) => Boolean(url) && !url.endsWith('/'),
      });
      return objects.map((o) => ({ url: o.url, etag: o.etag, data: String(o.data ?? '') }));
    } catch (error) {
      this.logger.warn({ err: error }, 'CalDAV search failed');
      throw safe(error, 'search');
    }
  }

  /** Writes (creates or overwrites) the object `name` of the calendar; returns its URL. */
  async put(name: string, ics: string): Promise<string> {
    const url = new URL(
      name,
      this.calendar.url.endsWith('/') ? this.calendar.url : `${this.calendar.url}/`,
    ).href;
    const response = await this.dav.updateObject({
      url,
      data: ics,
      headers: { 'content-type': 'text/calendar; charset=utf-8' },
    });
    if (!response.ok) throw new CaldavFailure(`the CalDAV server answered HTTP ${response.status}`);
    return url;
  }

  async remove(event: CaldavEvent): Promise<void> {
    const response = await this.dav.deleteObject({ url: event.url, etag: event.etag });
    if (!response.ok && response.status !== 404) {
      throw new CaldavFailure(`the CalDAV server answered HTTP ${response.status}`);
    }
  }
}

/** CalDAV through tsdav (discovery, calendar lookup, REPORT, PUT, DELETE). */
@Injectable()
export class CaldavClient {
  private readonly logger = new Logger(CaldavClient.name);

  async openCalendar(settings: CaldavSettings): Promise<CaldavCalendar> {
    const dav = new DAVClient({
      serverUrl: settings.url,
      credentials: { username: settings.username, password: settings.password },
      authMethod: 'Basic',
      defaultAccountType: 'caldav',
      fetch: guardedFetch(settings.timeoutMs),
    });
    let calendars: DAVCalendar[];
    try {
      await dav.login();
      calendars = await dav.fetchCalendars();
    } catch (error) {
      this.logger.warn({ err: error }, 'CalDAV login or calendar discovery failed');
      throw safe(error, 'login');
    }
    if (calendars.length === 0) throw new CaldavCalendarMissing('No calendars found');
    const calendar = calendars.find((c) => c.displayName === settings.calendarName);
    if (!calendar) throw new CaldavCalendarMissing(`Calendar '${settings.calendarName}' not found`);
    return new CaldavCalendar(dav, calendar, this.logger);
  }
}
