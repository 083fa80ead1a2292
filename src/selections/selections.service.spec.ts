import { QueryFailedError, type EntityManager } from 'typeorm';
import { DomainError } from '../common/domain-error';
import { ConflictRetry } from '../database/conflict-retry';
import { Metrics } from '../metrics/metrics';
import type { TransactionRunner } from '../database/transaction-runner';
import type { WorkoutsRepository } from '../workouts/workouts.repository';
import { changesFor, SelectionsService } from './selections.service';
import type { SelectionsRepository } from './selections.repository';
import { WorkoutSelection } from './workout-selection.entity';

describe('changesFor', () => {
  it('keeps exactly the keys sent, nulls included', () => {
    expect(changesFor({ currentPlanDay: '2026-01-20', timeOfDay: null })).toEqual({
      currentPlanDay: '2026-01-20',
      timeOfDay: null,
    });
    expect(changesFor({})).toEqual({});
  });

  it('deselecting clears the time of day unless the body sets one', () => {
    expect(changesFor({ isSelected: false })).toEqual({ isSelected: false, timeOfDay: null });
    expect(changesFor({ isSelected: false, timeOfDay: 'evening' })).toEqual({
      isSelected: false,
      timeOfDay: 'evening',
    });
    expect(changesFor({ isSelected: true })).toEqual({ isSelected: true });
  });
});

function driverFailure(code: string): QueryFailedError {
  return new QueryFailedError('INSERT ...', [], Object.assign(new Error(code), { code }));
}

function savedRow(workoutId: number): WorkoutSelection {
  return Object.assign(new WorkoutSelection(), {
    id: 1,
    workoutId,
    isSelected: true,
    currentPlanDay: null,
    timeOfDay: 'morning',
    workoutLocation: null,
    userNotes: null,
    updatedAt: new Date('2026-01-01T00:00:00Z'),
  });
}

describe('SelectionsService retry policy', () => {
  const manager = {} as EntityManager;
  const tx = { transaction: <T>(work: (m: EntityManager) => Promise<T>) => work(manager) };
  const workouts = { exists: jest.fn().mockResolvedValue(true) };
  let metrics: Metrics;
  /** selection_conflict_retries_total by code. */
  const retries = async (): Promise<Record<string, number>> => {
    const { values } = await metrics.conflictRetries.get();
    return Object.fromEntries(values.map((v) => [String(v.labels.code), v.value]));
  };
  const totalRetries = async () => Object.values(await retries()).reduce((sum, n) => sum + n, 0);

  function serviceWith(upsert: jest.Mock, maxWaitMs = 1000) {
    metrics = new Metrics();
    const retry = new ConflictRetry(metrics, { maxWaitMs, baseDelayMs: 1, maxDelayMs: 4 });
    return new SelectionsService(
      tx as unknown as TransactionRunner,
      retry,
      workouts as unknown as WorkoutsRepository,
      { upsertForWorkout: upsert } as unknown as SelectionsRepository,
    );
  }

  it.each(['23505', '40001', '40P01', 'SQLITE_BUSY', 'SQLITE_CONSTRAINT_UNIQUE'])(
    'retries %s once, then succeeds',
    async (code) => {
      const upsert = jest
        .fn()
        .mockRejectedValueOnce(driverFailure(code))
        .mockResolvedValueOnce(savedRow(7));
      const result = await serviceWith(upsert).upsert(7, { timeOfDay: 'morning' });
      expect(result).toMatchObject({ workoutId: 7, timeOfDay: 'morning' });
      expect(upsert).toHaveBeenCalledTimes(2);
      expect(await retries()).toEqual({ [code]: 1 });
    },
  );

  it.each([
    ['40001', 'BUSY'],
    ['SQLITE_BUSY', 'UNAVAILABLE'],
  ])(
    'gives up on %s with a 503-mapped %s error once the wait budget is spent',
    async (code, kind) => {
      const upsert = jest.fn().mockRejectedValue(driverFailure(code));
      const failure = serviceWith(upsert, 20).upsert(7, { timeOfDay: 'morning' });
      await expect(failure).rejects.toBeInstanceOf(DomainError);
      await expect(failure).rejects.toMatchObject({ code: kind });
      // Waits of 2 to 4 ms within a 20 ms budget: at least 5 retries, each counted.
      expect(upsert.mock.calls.length).toBeGreaterThanOrEqual(6);
      expect(await totalRetries()).toBe(upsert.mock.calls.length - 1);
    },
  );

  it('does not retry other errors', async () => {
    const upsert = jest.fn().mockRejectedValue(driverFailure('22001'));
    await expect(serviceWith(upsert).upsert(7, {})).rejects.toBeInstanceOf(QueryFailedError);
    expect(upsert).toHaveBeenCalledTimes(1);
    expect(await totalRetries()).toBe(0);
  });

  it('reports a workout deleted under the write (foreign key) as not found', async () => {
    const upsert = jest.fn().mockRejectedValue(driverFailure('SQLITE_CONSTRAINT_FOREIGNKEY'));
    await expect(serviceWith(upsert).upsert(7, {})).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: 'Workout not found',
    });
    expect(upsert).toHaveBeenCalledTimes(1);
  });
});
