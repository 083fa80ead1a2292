import { Module } from '@nestjs/common';
import { PlanPersistenceModule } from '../plan/plan-persistence.module';
import { WorkoutImportController } from './workout-import.controller';
import { WorkoutImportService } from './workout-import.service';

@Module({
  imports: [PlanPersistenceModule],
  controllers: [WorkoutImportController],
  providers: [WorkoutImportService],
  exports: [WorkoutImportService],
})
export class WorkoutImportModule {}
