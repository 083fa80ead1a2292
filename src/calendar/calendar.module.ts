import { Module } from '@nestjs/common';
import { WorkoutsPersistenceModule } from '../workouts/workouts-persistence.module';
import { CaldavClient } from './caldav.client';
import { CalendarExportService } from './calendar-export.service';
import { CalendarFeedTokensRepository } from './calendar-feed-tokens.repository';
import { CalendarFeedTokensService } from './calendar-feed-tokens.service';
import { CalendarFeedService } from './calendar-feed.service';
import { CalendarController } from './calendar.controller';

@Module({
  imports: [WorkoutsPersistenceModule],
  controllers: [CalendarController],
  providers: [
    CalendarExportService,
    CalendarFeedService,
    CalendarFeedTokensService,
    CalendarFeedTokensRepository,
    CaldavClient,
  ],
  exports: [CalendarFeedTokensService],
})
export class CalendarModule {}
