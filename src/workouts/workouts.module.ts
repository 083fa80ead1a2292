import { Module } from '@nestjs/common';
import { WorkoutsController } from './workouts.controller';
import { PlanPersistenceModule } from '../plan/plan-persistence.module';
import { WorkoutsService } from './workouts.service';

@Module({
  imports: [PlanPersistenceModule],
  controllers: [WorkoutsController],
  providers: [WorkoutsService],
})
export class WorkoutsModule {}
