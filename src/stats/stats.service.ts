import { Injectable } from '@nestjs/common';
import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { TransactionRunner } from '../database/transaction-runner';
import { WorkoutsRepository } from '../plan/workouts.repository';

@ApiSchema({ name: 'Stats' })
export class StatsJson {
  @ApiProperty({ type: 'integer' })
  totalWorkouts!: number;

  @ApiProperty({ type: 'integer', description: 'A workout without a selection row counts' })
  selectedWorkouts!: number;

  @ApiProperty({ type: 'integer' })
  customWorkouts!: number;
}

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
