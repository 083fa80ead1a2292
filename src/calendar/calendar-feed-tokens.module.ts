import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CalendarFeedToken } from './calendar-feed-token.entity';
import { CalendarFeedTokensRepository } from './calendar-feed-tokens.repository';
import { CalendarFeedTokensService } from './calendar-feed-tokens.service';

/** The feed's token on its own: the feed checks it, `npm run user:create -- --feed-token` makes it. */
@Module({
  imports: [TypeOrmModule.forFeature([CalendarFeedToken])],
  providers: [CalendarFeedTokensService, CalendarFeedTokensRepository],
  exports: [CalendarFeedTokensService],
})
export class CalendarFeedTokensModule {}
