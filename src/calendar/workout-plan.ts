import type { WorkoutWithSelection } from '../plan/workout-with-selection';

/** One calendar day of the plan: the description lines of its workouts, in slot order. */
export interface PlanDay {
  date: string;
  lines: string[];
}

const SLOTS = ['morning', 'afternoon', 'evening', 'unscheduled'] as const;
type Slot = (typeof SLOTS)[number];

/** Where the planner shows the workout: the moved-to day if it was moved, else the coach's day. */
export const displayedDate = (workout: WorkoutWithSelection): string =>
  workout.selection?.currentPlanDay ?? workout.originallyPlannedDay;

/** A workout without a selection row is planned; a selection must say isSelected true. */
export const isPlanned = (workout: WorkoutWithSelection): boolean =>
  !workout.selection || workout.selection.isSelected === true;

function slotOf(timeOfDay: string | null | undefined): Slot {
  const slot = timeOfDay?.trim().toLowerCase();
  return slot === 'morning' || slot === 'afternoon' || slot === 'evening' ? slot : 'unscheduled';
}

/** `1 hour 30 minutes`, `2 hours`, `45 minutes`; hours as a float, remaining minutes truncated. */
export function durationText(hours: number): string {
  // The epsilon keeps 2.3 h at 18 minutes instead of 17.999... truncated to 17.
  const totalMinutes = Math.floor(hours * 60 + 1e-6);
  const h = Math.floor(totalMinutes / 60);
  const m = totalMinutes % 60;
  const hourText = `${h} ${h === 1 ? 'hour' : 'hours'}`;
  if (h > 0 && m > 0) return `${hourText} ${m} minutes`;
  if (h > 0) return hourText;
  return `${m} minutes`;
}

/** `- Morning run (outdoor), 1 hour 30 minutes` */
export function describeWorkout(workout: WorkoutWithSelection): string {
  const slot = slotOf(workout.selection?.timeOfDay);
  const type = workout.workoutType?.trim().toLowerCase() || 'unknown';
  let line = `- ${slot[0].toUpperCase()}${slot.slice(1)} ${type}`;
  const location = workout.selection?.workoutLocation;
  if (location) line += ` (${location})`;
  if (workout.plannedDuration) line += `, ${durationText(workout.plannedDuration)}`;
  return line;
}

/**
 * The planned workouts grouped by displayed date (optionally only `start`..`end` inclusive),
 * dates ascending; within a day by slot, then in the given order.
 */
export function planDays(
  workouts: WorkoutWithSelection[],
  range?: { start: string; end: string },
): PlanDay[] {
  const byDate = new Map<string, WorkoutWithSelection[]>();
  for (const workout of workouts) {
    if (!isPlanned(workout)) continue;
    const date = displayedDate(workout);
    if (range && (date < range.start || date > range.end)) continue;
    byDate.set(date, [...(byDate.get(date) ?? []), workout]);
  }
  return [...byDate.keys()].sort().map((date) => {
    const day = byDate.get(date) as WorkoutWithSelection[];
    const ordered = SLOTS.flatMap((slot) =>
      day.filter((w) => slotOf(w.selection?.timeOfDay) === slot),
    );
    return { date, lines: ordered.map(describeWorkout) };
  });
}
