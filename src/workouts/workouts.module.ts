import { Module } from '@nestjs/common';
import { SelectionsRepository } from '../selections/selections.repository';
import { WorkoutsController } from './workouts.controller';
import { WorkoutsRepository } from './workouts.repository';
import { WorkoutsService } from './workouts.service';

// The persistence of a workout and of its selection row live together: workout writes may place
// the selection, and selection writes check the workout.
@Module({
  controllers: [WorkoutsController],
  providers: [WorkoutsService, WorkoutsRepository, SelectionsRepository],
  exports: [WorkoutsRepository, SelectionsRepository],
})
export class WorkoutsModule {}
