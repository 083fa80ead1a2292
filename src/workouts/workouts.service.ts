import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { notFound } from '../shared/domain-error';
import { pickDefined } from '../shared/pick';
import { TransactionRunner } from '../database/transaction-runner';
import { SelectionsRepository } from '../plan/selections.repository';
import { CreateWorkoutDto } from './dto/create-workout.dto';
import { UpdateWorkoutDto } from './dto/update-workout.dto';
import { presentWorkout, WorkoutJson, WorkoutListJson } from './workout.presenter';
import { WorkoutFields, WorkoutsRepository } from '../plan/workouts.repository';

const WORKOUT_NOT_FOUND = 'Workout';

@Injectable()
export class WorkoutsService {
  constructor(
    private readonly db: TransactionRunner,
    private readonly workouts: WorkoutsRepository,
    private readonly selections: SelectionsRepository,
  ) {}

  async list(): Promise<WorkoutListJson> {
    const rows = await this.db.read((manager) => this.workouts.findAllWithSelection(manager));
    return { workouts: rows.map(presentWorkout), count: rows.length };
  }

  get(id: number): Promise<WorkoutJson> {
    return this.db.read((manager) => this.load(manager, id));
  }

  /** A custom workout; a truthy timeOfDay or workoutLocation also creates its selection. */
  create(dto: CreateWorkoutDto): Promise<WorkoutJson> {
    return this.db.write({ what: 'the new workout' }, async (manager) => {
      // The previous backend's defaults for absent keys.
      const id = await this.workouts.insert(manager, {
        title: '',
        workoutType: 'Other',
        workoutDescription: '',
        coachComments: null,
        ...fieldsOf(dto),
        isCustom: dto.isCustom ?? false,
        createdAt: new Date(),
      });
      // Only a real placement makes a selection row (null or absent ones do not).
      const placement = pickDefined(dto, PLACEMENT);
      if (Object.values(placement).some(Boolean)) {
        await this.selections.upsertForWorkout(manager, id, placement);
      }
      return this.load(manager, id);
    });
  }

  /** Writes only the keys present; timeOfDay / workoutLocation go to the selection row. */
  update(id: number, dto: UpdateWorkoutDto): Promise<WorkoutJson> {
    return this.db.write({ workoutId: id }, async (manager) => {
      if (!(await this.workouts.lockForChange(manager, id, 'update'))) {
        throw notFound(WORKOUT_NOT_FOUND);
      }
      await this.workouts.update(manager, id, fieldsOf(dto));
      const placement = pickDefined(dto, PLACEMENT);
      if (Object.keys(placement).length > 0) {
        await this.selections.upsertForWorkout(manager, id, placement);
      }
      return this.load(manager, id);
    });
  }

  /** Deletes the workout and its selection row together. */
  async delete(id: number): Promise<void> {
    await this.db.write({ workoutId: id }, async (manager) => {
      if (!(await this.workouts.lockForChange(manager, id, 'delete'))) {
        throw notFound(WORKOUT_NOT_FOUND);
      }
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

/** The workout columns a body may set, named as in the body and the entity alike. */
const WORKOUT_FIELDS = [
  'title',
  'workoutType',
  'workoutDescription',
  'originallyPlannedDay',
  'plannedDuration',
  'coachComments',
  'tss',
  'intensityFactor',
] as const;

/** The selection columns a workout body may set (the placement in the planner). */
const PLACEMENT = ['timeOfDay', 'workoutLocation'] as const;

/** The workout columns a body sent (the API's plannedDistanceInMeters is plannedDistanceMeters). */
function fieldsOf(dto: UpdateWorkoutDto): WorkoutFields {
  const fields: WorkoutFields = pickDefined(dto, WORKOUT_FIELDS);
  if (dto.plannedDistanceInMeters !== undefined) {
    fields.plannedDistanceMeters = dto.plannedDistanceInMeters;
  }
  return fields;
}
