import { Module } from '@nestjs/common';
import { WorkoutsModule } from '../workouts/workouts.module';
import { SelectionsController } from './selections.controller';
import { SelectionsService } from './selections.service';

@Module({
  imports: [WorkoutsModule],
  controllers: [SelectionsController],
  providers: [SelectionsService],
})
export class SelectionsModule {}
