import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { notFound } from '../common/domain-error';
import { ConflictRetry } from '../database/conflict-retry';
import { TransactionRunner } from '../database/transaction-runner';
import { SelectionChanges } from '../selections/selection-changes';
import { SelectionsRepository } from '../selections/selections.repository';
import { CreateWorkoutDto } from './dto/create-workout.dto';
import { UpdateWorkoutDto } from './dto/update-workout.dto';
import { presentWorkout, WorkoutJson, WorkoutListJson } from './workout.presenter';
import { WorkoutFields, WorkoutsRepository } from './workouts.repository';

const WORKOUT_NOT_FOUND = 'Workout';

@Injectable()
export class WorkoutsService {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly retry: ConflictRetry,
    private readonly workouts: WorkoutsRepository,
    private readonly selections: SelectionsRepository,
  ) {}

  async list(): Promise<WorkoutListJson> {
    const rows = await this.tx.read((manager) => this.workouts.findAllWithSelection(manager));
    return { workouts: rows.map(presentWorkout), count: rows.length };
  }

  get(id: number): Promise<WorkoutJson> {
    return this.tx.read((manager) => this.load(manager, id));
  }

  /** A custom workout; a truthy timeOfDay or workoutLocation also creates its selection. */
  create(dto: CreateWorkoutDto): Promise<WorkoutJson> {
    return this.retry.run({}, () =>
      this.tx.transaction(async (manager) => {
        const id = await this.workouts.insert(manager, {
          title: dto.title ?? '',
          workoutType: dto.workoutType ?? 'Other',
          workoutDescription: dto.workoutDescription === undefined ? '' : dto.workoutDescription,
          originallyPlannedDay: dto.originallyPlannedDay,
          ...numbersOf(dto),
          coachComments: dto.coachComments ?? null,
          isCustom: dto.isCustom ?? false,
          createdAt: new Date(),
        });
        const placement: SelectionChanges = {};
        if (dto.timeOfDay) placement.timeOfDay = dto.timeOfDay;
        if (dto.workoutLocation) placement.workoutLocation = dto.workoutLocation;
        if (Object.keys(placement).length > 0) {
          await this.selections.upsertForWorkout(manager, id, placement);
        }
        return this.load(manager, id);
      }),
    );
  }

  /** Writes only the keys present; timeOfDay / workoutLocation go to the selection row. */
  update(id: number, dto: UpdateWorkoutDto): Promise<WorkoutJson> {
    return this.retry.run({ workoutId: id }, () =>
      this.tx.transaction(async (manager) => {
        if (!(await this.workouts.lockForChange(manager, id))) throw notFound(WORKOUT_NOT_FOUND);
        const fields: WorkoutFields = { ...numbersOf(dto) };
        if (dto.title !== undefined) fields.title = dto.title;
        if (dto.workoutType !== undefined) fields.workoutType = dto.workoutType;
        if (dto.workoutDescription !== undefined)
          fields.workoutDescription = dto.workoutDescription;
        if (dto.originallyPlannedDay !== undefined) {
          fields.originallyPlannedDay = dto.originallyPlannedDay;
        }
        if (dto.coachComments !== undefined) fields.coachComments = dto.coachComments;
        await this.workouts.update(manager, id, fields);

        const placement: SelectionChanges = {};
        if (dto.timeOfDay !== undefined) placement.timeOfDay = dto.timeOfDay;
        if (dto.workoutLocation !== undefined) placement.workoutLocation = dto.workoutLocation;
        if (Object.keys(placement).length > 0) {
          await this.selections.upsertForWorkout(manager, id, placement);
        }
        return this.load(manager, id);
      }),
    );
  }

  /** Deletes the workout and its selection row together. */
  async delete(id: number): Promise<void> {
    await this.tx.transaction(async (manager) => {
      if (!(await this.workouts.lockForChange(manager, id))) throw notFound(WORKOUT_NOT_FOUND);
      await this.selections.deleteForWorkout(manager, id);
      await this.workouts.delete(manager, id);
    });
  }

  private async load(manager: EntityManager, id: number): Promise<WorkoutJson> {
    const workout = await this.workouts.findByIdWithSelection(manager, id);
    if (!workout) throw notFound(WORKOUT_NOT_FOUND);
    return presentWorkout(workout);
  }
}

/** The numeric fields present in a body, by their column names. */
function numbersOf(dto: UpdateWorkoutDto): WorkoutFields {
  const fields: WorkoutFields = {};
  if (dto.plannedDuration !== undefined) fields.plannedDuration = dto.plannedDuration;
  if (dto.plannedDistanceInMeters !== undefined) {
    fields.plannedDistanceMeters = dto.plannedDistanceInMeters;
  }
  if (dto.tss !== undefined) fields.tss = dto.tss;
  if (dto.intensityFactor !== undefined) fields.intensityFactor = dto.intensityFactor;
  return fields;
}
