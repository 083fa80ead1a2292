import type { WorkoutSelection } from './workout-selection.entity';
import type { Workout } from './workout.entity';

/**
 * A workout as the planner reads it: with its selection row when it has one. A query's result
 * (WorkoutsRepository joins the row), not a mapped relation of the entity.
 */
export type WorkoutWithSelection = Workout & { selection?: WorkoutSelection | null };
