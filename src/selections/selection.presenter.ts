import { toDateString, toIsoTimestamp } from '../common/dates';
import type { WorkoutSelection } from './workout-selection.entity';

/** The contract's Selection JSON. */
export interface SelectionJson {
  id: number;
  workoutId: number;
  isSelected: boolean | null;
  currentPlanDay: string | null;
  timeOfDay: string | null;
  workoutLocation: string | null;
  userNotes: string | null;
  updatedAt: string | null;
}

export function presentSelection(selection: WorkoutSelection): SelectionJson {
  return {
    id: Number(selection.id),
    workoutId: Number(selection.workoutId),
    isSelected: selection.isSelected,
    currentPlanDay: toDateString(selection.currentPlanDay),
    timeOfDay: selection.timeOfDay,
    workoutLocation: selection.workoutLocation,
    userNotes: selection.userNotes,
    updatedAt: toIsoTimestamp(selection.updatedAt),
  };
}
