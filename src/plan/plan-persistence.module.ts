import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SelectionsRepository } from './selections.repository';
import { WorkoutSelection } from './workout-selection.entity';
import { Workout } from './workout.entity';
import { WorkoutsRepository } from './workouts.repository';

/**
 * The plan's tables: workouts and their selections, their entities and repositories (every SQL
 * statement on them), the joined read model and the selection changes. The workouts,
 * selections, import, stats and calendar features all read or write the plan; they import this
 * module, never another feature's module with its controller.
 */
@Module({
  imports: [TypeOrmModule.forFeature([Workout, WorkoutSelection])],
  providers: [WorkoutsRepository, SelectionsRepository],
  exports: [WorkoutsRepository, SelectionsRepository],
})
export class PlanPersistenceModule {}
