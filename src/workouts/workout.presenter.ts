import { toDateString, toIsoTimestamp } from '../common/dates';
import { presentSelection, SelectionJson } from '../selections/selection.presenter';
import type { Workout } from './workout.entity';

/** The contract's Workout JSON: dates `YYYY-MM-DD`, timestamps ISO UTC, numbers as numbers. */
export interface WorkoutJson {
  id: number;
  title: string;
  workoutType: string;
  workoutDescription: string | null;
  plannedDuration: number | null;
  plannedDistanceInMeters: number | null;
  originallyPlannedDay: string;
  coachComments: string | null;
  tss: number | null;
  intensityFactor: number | null;
  isCustom: boolean;
  createdAt: string | null;
  selection: SelectionJson | null;
}

const numberOrNull = (value: number | string | null): number | null =>
  value === null ? null : Number(value);

export function presentWorkout(workout: Workout): WorkoutJson {
  return {
    id: Number(workout.id),
    title: workout.title,
    workoutType: workout.workoutType,
    workoutDescription: workout.workoutDescription,
    plannedDuration: numberOrNull(workout.plannedDuration),
    plannedDistanceInMeters: numberOrNull(workout.plannedDistanceMeters),
    originallyPlannedDay: toDateString(workout.originallyPlannedDay) ?? '',
    coachComments: workout.coachComments,
    tss: numberOrNull(workout.tss),
    intensityFactor: numberOrNull(workout.intensityFactor),
    isCustom: Boolean(workout.isCustom),
    createdAt: toIsoTimestamp(workout.createdAt),
    selection: workout.selection ? presentSelection(workout.selection) : null,
  };
}
