import { Injectable } from '@nestjs/common';
import { TransactionRunner } from '../database/transaction-runner';
import { WorkoutsRepository } from '../workouts/workouts.repository';

export interface StatsJson {
  totalWorkouts: number;
  selectedWorkouts: number;
  customWorkouts: number;
}

@Injectable()
export class StatsService {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly workouts: WorkoutsRepository,
  ) {}

  async get(): Promise<StatsJson> {
    const counts = await this.tx.read((manager) => this.workouts.counts(manager));
    return {
      totalWorkouts: counts.total,
      selectedWorkouts: counts.selected,
      customWorkouts: counts.custom,
    };
  }
}
