import type { SchemaObject } from '@nestjs/swagger';
import { isCalendarDate } from '../shared/dates';

/**
 * Checks of the two config files the frontend reads. Each returns the first problem as a
 * sentence naming the path inside the file, or null when the content is usable.
 */
const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];
const HH_MM = /^([01]\d|2[0-3]):[0-5]\d$/;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isCount = (value: unknown) =>
  typeof value === 'number' && Number.isFinite(value) && value >= 0;

export function triClubScheduleProblem(content: unknown): string | null {
  if (!isObject(content)) return 'the file must hold a JSON object';
  if (!isCalendarDate(content.effective_date)) return 'effective_date must be a YYYY-MM-DD date';
  if (!isObject(content.schedule)) return 'schedule must be an object of weekdays';
  for (const [day, entries] of Object.entries(content.schedule)) {
    if (!WEEKDAYS.includes(day)) return `schedule.${day} is not a weekday (monday..sunday)`;
    if (!Array.isArray(entries)) return `schedule.${day} must be a list`;
    for (const [i, entry] of entries.entries()) {
      const at = `schedule.${day}[${i}]`;
      if (!isObject(entry)) return `${at} must be an object`;
      if (typeof entry.time !== 'string' || !HH_MM.test(entry.time)) {
        return `${at}.time must be HH:MM (24 h)`;
      }
      if (typeof entry.activity !== 'string' || entry.activity === '') {
        return `${at}.activity must be a non-empty string`;
      }
    }
  }
  return null;
}

function durationProblem(value: unknown, at: string): string | null {
  if (!isObject(value)) return `${at} must be an object with hours and minutes`;
  if (!isCount(value.hours)) return `${at}.hours must be a number >= 0`;
  if (!isCount(value.minutes)) return `${at}.minutes must be a number >= 0`;
  return null;
}

export function weeklyTargetsProblem(content: unknown): string | null {
  if (!Array.isArray(content)) return 'the file must hold a JSON array of weeks';
  for (const [i, week] of content.entries()) {
    const at = `[${i}]`;
    if (!isObject(week)) return `${at} must be an object`;
    if (!isCalendarDate(week.week_start_date)) {
      return `${at}.week_start_date must be a YYYY-MM-DD date`;
    }
    // The frontend finds a week by the string of its Monday: any other day is never shown.
    if (new Date(`${week.week_start_date}T00:00:00Z`).getUTCDay() !== 1) {
      return `${at}.week_start_date ${week.week_start_date} is not a Monday`;
    }
    const targets = week.weekly_targets;
    if (!isObject(targets)) return `${at}.weekly_targets must be an object`;
    if (!isCount(targets.tss)) return `${at}.weekly_targets.tss must be a number >= 0`;
    const total = durationProblem(targets.total_time, `${at}.weekly_targets.total_time`);
    if (total) return total;
    if (!isObject(targets.by_discipline)) {
      return `${at}.weekly_targets.by_discipline must be an object`;
    }
    for (const [name, duration] of Object.entries(targets.by_discipline)) {
      const problem = durationProblem(duration, `${at}.weekly_targets.by_discipline.${name}`);
      if (problem) return problem;
    }
  }
  return null;
}

/*
 * What the checks above let through, for the API document. The files are served as they are,
 * so keys the checks do not look at may be there too.
 */
const DATE: SchemaObject = { type: 'string', format: 'date' };

const DURATION: SchemaObject = {
  type: 'object',
  required: ['hours', 'minutes'],
  properties: { hours: { type: 'number', minimum: 0 }, minutes: { type: 'number', minimum: 0 } },
};

export const TRI_CLUB_SCHEDULE_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['schedule'],
  description: 'The file as it is; `{"schedule": {}}` when none is configured or there',
  properties: {
    effective_date: DATE,
    schedule: {
      type: 'object',
      additionalProperties: false,
      properties: Object.fromEntries(
        WEEKDAYS.map((day) => [
          day,
          {
            type: 'array',
            items: {
              type: 'object',
              required: ['time', 'activity'],
              properties: {
                time: { type: 'string', pattern: HH_MM.source, example: '19:00' },
                activity: { type: 'string', minLength: 1, example: 'Swim' },
              },
            },
          },
        ]),
      ),
    },
  },
};

export const WEEKLY_TARGETS_SCHEMA: SchemaObject = {
  type: 'array',
  items: {
    type: 'object',
    required: ['week_start_date', 'weekly_targets'],
    properties: {
      week_start_date: { ...DATE, description: 'A Monday' },
      weekly_targets: {
        type: 'object',
        required: ['tss', 'total_time', 'by_discipline'],
        properties: {
          tss: { type: 'number', minimum: 0 },
          total_time: DURATION,
          by_discipline: {
            type: 'object',
            description: 'swim, bike, run, strength, …',
            additionalProperties: DURATION,
          },
        },
      },
    },
  },
};
