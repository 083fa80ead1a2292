import { Module } from '@nestjs/common';
import { WorkoutsPersistenceModule } from '../workouts/workouts-persistence.module';
import { WorkoutImportController } from './workout-import.controller';
import { WorkoutImportService } from './workout-import.service';

@Module({
  imports: [WorkoutsPersistenceModule],
  controllers: [WorkoutImportController],
  providers: [WorkoutImportService],
  exports: [WorkoutImportService],
})
export class WorkoutImportModule {}
