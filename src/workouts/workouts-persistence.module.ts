import { Module } from '@nestjs/common';
import { WorkoutsRepository } from './workouts.repository';

/**
 * The workouts table's repository on its own: the workouts, selections, import, stats and
 * calendar features all read or write workouts, and none of them should import another feature's
 * module (with its controller) for it.
 */
@Module({
  providers: [WorkoutsRepository],
  exports: [WorkoutsRepository],
})
export class WorkoutsPersistenceModule {}
