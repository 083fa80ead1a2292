import { Injectable } from '@nestjs/common';
import { TransactionRunner } from '../database/transaction-runner';
import { WorkoutsRepository } from '../plan/workouts.repository';
import { StatsJson } from './stats.presenter';

@Injectable()
export class StatsService {
  constructor(
    private readonly db: TransactionRunner,
    private readonly workouts: WorkoutsRepository,
  ) {}

  async get(): Promise<StatsJson> {
    const counts = await this.db.read((manager) => this.workouts.counts(manager));
    return {
      totalWorkouts: counts.total,
      selectedWorkouts: counts.selected,
      customWorkouts: counts.custom,
    };
  }
}
