import { CalendarFeedToken } from '../calendar/calendar-feed-token.entity';
import { WorkoutSelection } from '../selections/workout-selection.entity';
import { User } from '../users/user.entity';
import { Workout } from '../workouts/workout.entity';

export const ENTITIES = [Workout, WorkoutSelection, User, CalendarFeedToken];
