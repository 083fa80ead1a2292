import 'reflect-metadata';
import { readDatabase } from './src/config/configuration';
import { buildDataSourceOptions } from './src/database/data-source.options';
import { AtomicMigrationsDataSource } from './src/database/run-migrations';
import { CalendarFeedToken } from './src/calendar/calendar-feed-token.entity';
import { WorkoutSelection } from './src/plan/workout-selection.entity';
import { Workout } from './src/plan/workout.entity';
import { User } from './src/users/user.entity';

// Used by the TypeORM CLI (`npm run migration:*`): only DATABASE_URL is read (no SECRET_KEY or
// other server settings), and the connection is a maintenance one (no request timeouts). Every
// entity is listed, so that `migration:generate` compares all of them with the database.
export default new AtomicMigrationsDataSource(
  buildDataSourceOptions(readDatabase(process.env), { use: 'maintenance' }, [
    Workout,
    WorkoutSelection,
    User,
    CalendarFeedToken,
  ]),
);
