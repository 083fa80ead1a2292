import { Module } from '@nestjs/common';
import { PlanPersistenceModule } from '../plan/plan-persistence.module';
import { SelectionsController } from './selections.controller';
import { SelectionsService } from './selections.service';

@Module({
  imports: [PlanPersistenceModule],
  controllers: [SelectionsController],
  providers: [SelectionsService],
})
export class SelectionsModule {}
