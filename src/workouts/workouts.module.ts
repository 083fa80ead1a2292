import { Module } from '@nestjs/common';
import { SelectionsModule } from '../selections/selections.module';
import { WorkoutsController } from './workouts.controller';
import { WorkoutsPersistenceModule } from './workouts-persistence.module';
import { WorkoutsService } from './workouts.service';

/** Workout writes may place the selection: the selections feature lends its repository. */
@Module({
  imports: [WorkoutsPersistenceModule, SelectionsModule],
  controllers: [WorkoutsController],
  providers: [WorkoutsService],
})
export class WorkoutsModule {}
