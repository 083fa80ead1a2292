import { Module } from '@nestjs/common';
import { WorkoutsPersistenceModule } from '../workouts/workouts-persistence.module';
import { SelectionsController } from './selections.controller';
import { SelectionsRepository } from './selections.repository';
import { SelectionsService } from './selections.service';

@Module({
  imports: [WorkoutsPersistenceModule],
  controllers: [SelectionsController],
  providers: [SelectionsService, SelectionsRepository],
  exports: [SelectionsRepository],
})
export class SelectionsModule {}
