import { Module } from '@nestjs/common';
import { WorkoutsPersistenceModule } from '../workouts/workouts-persistence.module';
import { StatsController } from './stats.controller';
import { StatsService } from './stats.service';

@Module({
  imports: [WorkoutsPersistenceModule],
  controllers: [StatsController],
  providers: [StatsService],
})
export class StatsModule {}
