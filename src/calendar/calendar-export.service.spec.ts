import type { ConfigService } from '@nestjs/config';
import type { AppConfig } from '../config/configuration';
import type { TransactionRunner } from '../database/transaction-runner';
import type { WorkoutWithSelection } from '../plan/workout-with-selection';
import type { WorkoutsRepository } from '../plan/workouts.repository';
import { CaldavClient, CaldavEvent, CaldavFailure } from './caldav.client';
import { CalendarExportService } from './calendar-export.service';
import { buildPlanCalendar } from './plan-icalendar';

const TITLE = 'Workout schedule';
const oldEvent = (file: string, uid: string, date: string): CaldavEvent => ({
  url: `https://dav/cal/${file}`,
  data: buildPlanCalendar([{ date, lines: ['- old'] }], TITLE)
    .toString()
    .replace(/UID:[^\r]+/, `UID:${uid}`),
});

function setup(failPut: (name: string) => boolean, existing: CaldavEvent[]) {
  const calls: string[] = [];
  const calendar = {
    eventsBetween: jest.fn(() => Promise.resolve(existing)),
    put: jest.fn((name: string) => {
      calls.push(`put ${name}`);
      return failPut(name)
        ? Promise.reject(new CaldavFailure('the CalDAV server answered HTTP 507'))
        : Promise.resolve(`https://dav/cal/${name}`);
    }),
    remove: jest.fn((event: CaldavEvent) => {
      calls.push(`remove ${event.url.split('/').pop()}`);
      return Promise.resolve();
    }),
  };
  const workouts = ['2026-01-15', '2026-01-16'].map(
    (day, i) =>
      ({
        id: i + 1,
        workoutType: 'Run',
        originallyPlannedDay: day,
        selection: null,
      }) as WorkoutWithSelection,
  );
  const config = {
    get: () => ({
      url: 'https://dav/',
      username: 'u',
      password: 'secret',
      calendarName: 'Training',
      eventTitle: TITLE,
      timeoutMs: 1000,
    }),
  } as unknown as ConfigService<AppConfig, true>;
  const tx = { read: (work: (m: unknown) => unknown) => work({}) } as unknown as TransactionRunner;
  const repo = {
    findAllWithSelection: () => Promise.resolve(workouts),
  } as unknown as WorkoutsRepository;
  const client = { openCalendar: () => Promise.resolve(calendar) } as unknown as CaldavClient;
  return { service: new CalendarExportService(config, tx, repo, client), calls };
}

describe('CalendarExportService', () => {
  const range = { startDate: '2026-01-15', endDate: '2026-01-16' };

  it('writes every new event before removing old ones', async () => {
    const { service, calls } = setup(
      () => false,
      [
        oldEvent('legacy-15.ics', 'legacy-15', '2026-01-15'),
        oldEvent(
          'workout-plan-20260116.ics',
          'workout-plan-20260116@workout-planner',
          '2026-01-16',
        ),
      ],
    );
    const res = await service.export(range);
    expect(res.eventsCreated).toBe(2);
    expect(calls).toEqual([
      'put workout-plan-20260115.ics',
      'put workout-plan-20260116.ics',
      'remove legacy-15.ics',
    ]);
  });

  it('keeps the old event of a date whose write failed and reports that date', async () => {
    const { service, calls } = setup(
      (name) => name.includes('0115'),
      [
        oldEvent('legacy-15.ics', 'legacy-15', '2026-01-15'),
        oldEvent('legacy-16.ics', 'legacy-16', '2026-01-16'),
      ],
    );
    const res = await service.export(range);
    expect(res.eventsCreated).toBe(1);
    expect(res.results).toEqual([
      {
        date: '2026-01-15',
        success: false,
        error: 'Could not export 2026-01-15: the CalDAV server answered HTTP 507',
      },
      { date: '2026-01-16', success: true, eventId: 'workout-plan-20260116@workout-planner' },
    ]);
    expect(calls).not.toContain('remove legacy-15.ics');
    expect(calls).toContain('remove legacy-16.ics');
  });

  it('is a 502 naming the dates when every date failed, and removes nothing', async () => {
    const { service, calls } = setup(
      () => true,
      [oldEvent('legacy-15.ics', 'legacy-15', '2026-01-15')],
    );
    const error = await service.export(range).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'BAD_GATEWAY',
      message: expect.stringMatching(/2026-01-15.*2026-01-16/),
    });
    expect((error as Error).message).not.toContain('secret');
    expect(calls.filter((c) => c.startsWith('remove'))).toEqual([]);
  });
});
