import { Module } from '@nestjs/common';
import { PlanPersistenceModule } from '../plan/plan-persistence.module';
import { CaldavClient } from './caldav.client';
import { CalendarExportService } from './calendar-export.service';
import { CalendarFeedTokensModule } from './calendar-feed-tokens.module';
import { CalendarFeedService } from './calendar-feed.service';
import { CalendarController } from './calendar.controller';

@Module({
  imports: [PlanPersistenceModule, CalendarFeedTokensModule],
  controllers: [CalendarController],
  providers: [CalendarExportService, CalendarFeedService, CaldavClient],
})
export class CalendarModule {}
