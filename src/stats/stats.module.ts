import { Module } from '@nestjs/common';
import { PlanPersistenceModule } from '../plan/plan-persistence.module';
import { StatsController } from './stats.controller';
import { StatsService } from './stats.service';

@Module({
  imports: [PlanPersistenceModule],
  controllers: [StatsController],
  providers: [StatsService],
})
export class StatsModule {}
