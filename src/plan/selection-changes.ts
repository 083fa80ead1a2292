/**
 * The columns a selection write may set, keyed by property. Absent keys are left as they are;
 * `null` clears the column.
 */
export interface SelectionChanges {
  isSelected?: boolean;
  currentPlanDay?: string | null;
  timeOfDay?: string | null;
  workoutLocation?: string | null;
  userNotes?: string | null;
}

/** The fixed allow-list of writable columns: SQL is only ever built from these names. */
export const SELECTION_COLUMNS: Record<keyof SelectionChanges, string> = {
  isSelected: 'is_selected',
  currentPlanDay: 'current_plan_day',
  timeOfDay: 'time_of_day',
  workoutLocation: 'workout_location',
  userNotes: 'user_notes',
};

export const SELECTION_FIELDS = Object.keys(SELECTION_COLUMNS) as (keyof SelectionChanges)[];
