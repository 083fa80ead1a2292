import { Module } from '@nestjs/common';
import { SelectionsRepository } from '../selections/selections.repository';
import { WorkoutsController } from './workouts.controller';
import { WorkoutsRepository } from './workouts.repository';
import { WorkoutsService } from './workouts.service';

@Module({
  controllers: [WorkoutsController],
  providers: [WorkoutsService, WorkoutsRepository, SelectionsRepository],
  exports: [WorkoutsRepository],
})
export class WorkoutsModule {}
