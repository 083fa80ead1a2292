import { Module } from '@nestjs/common';
import { WorkoutsModule } from '../workouts/workouts.module';
import { StatsController } from './stats.controller';
import { StatsService } from './stats.service';

@Module({
  imports: [WorkoutsModule],
  controllers: [StatsController],
  providers: [StatsService],
})
export class StatsModule {}
