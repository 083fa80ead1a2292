import ical, { ICalCalendar } from 'ical-generator';
import { addDays } from '../shared/dates';
import type { PlanDay } from './workout-plan';

const PRODUCT_ID = '-//Workout Planner//workout-planner//EN';

/** The same UID for a date on every export, so writing it again replaces the event. */
export const eventUid = (date: string) => `workout-plan-${date.replace(/-/g, '')}@workout-planner`;

/** The object name in the CalDAV collection; plain characters so no server re-encodes it. */
export const eventFileName = (date: string) => `workout-plan-${date.replace(/-/g, '')}.ics`;

/** One all-day event per day; ical-generator escapes and folds the text as RFC 5545 requires. */
export function buildPlanCalendar(days: PlanDay[], title: string, now = new Date()): ICalCalendar {
  const calendar = ical({ prodId: PRODUCT_ID, name: title });
  for (const day of days) {
    calendar.createEvent({
      id: eventUid(day.date),
      start: day.date,
      end: addDays(day.date, 1),
      allDay: true,
      summary: title,
      description: day.lines.join('\n'),
      stamp: now,
    });
  }
  return calendar;
}
