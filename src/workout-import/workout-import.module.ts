import { Module } from '@nestjs/common';
import { WorkoutsModule } from '../workouts/workouts.module';
import { WorkoutImportController } from './workout-import.controller';
import { WorkoutImportService } from './workout-import.service';

@Module({
  imports: [WorkoutsModule],
  controllers: [WorkoutImportController],
  providers: [WorkoutImportService],
  exports: [WorkoutImportService],
})
export class WorkoutImportModule {}
