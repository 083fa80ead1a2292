import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { DomainError } from '../shared/domain-error';
import type { AppConfig } from '../config/configuration';
import { TransactionRunner } from '../database/transaction-runner';
import { WorkoutsRepository } from '../plan/workouts.repository';
import { CalendarFeedTokensService } from './calendar-feed-tokens.service';
import { buildPlanCalendar } from './plan-icalendar';
import { planDays } from './workout-plan';

/** The whole plan as an iCalendar feed that calendar apps subscribe to. */
@Injectable()
export class CalendarFeedService {
  private readonly title: string;

  constructor(
    config: ConfigService<AppConfig, true>,
    private readonly db: TransactionRunner,
    private readonly workouts: WorkoutsRepository,
    private readonly tokens: CalendarFeedTokensService,
  ) {
    this.title = config.get('caldav', { infer: true }).eventTitle;
  }

  async feed(token: unknown): Promise<string> {
    if (!(await this.tokens.isValid(token))) {
      throw new DomainError('UNAUTHORIZED', 'A valid calendar feed token is required');
    }
    const all = await this.db.read((manager) => this.workouts.findAllWithSelection(manager));
    return buildPlanCalendar(planDays(all), this.title).toString();
  }
}
