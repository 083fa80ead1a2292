import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { WorkoutSelection } from '../selections/workout-selection.entity';
import { Workout } from './workout.entity';

/** The columns of `workouts` a create or an update may write. */
export type WorkoutFields = Partial<
  Pick<
    Workout,
    | 'title'
    | 'workoutType'
    | 'workoutDescription'
    | 'plannedDuration'
    | 'plannedDistanceMeters'
    | 'originallyPlannedDay'
    | 'coachComments'
    | 'tss'
    | 'intensityFactor'
    | 'isCustom'
    | 'createdAt'
  >
>;

/** Every SQL statement on `workouts`. */
@Injectable()
export class WorkoutsRepository {
  private withSelection(manager: EntityManager) {
    return manager
      .createQueryBuilder(Workout, 'workout')
      .leftJoinAndMapOne(
        'workout.selection',
        WorkoutSelection,
        'selection',
        'selection.workout_id = workout.id',
      );
  }

  /** All workouts with their selection, by the coach's date then id (a stable order in a day). */
  findAllWithSelection(manager: EntityManager): Promise<Workout[]> {
    return this.withSelection(manager)
      .orderBy('workout.originally_planned_day', 'ASC')
      .addOrderBy('workout.id', 'ASC')
      .getMany();
  }

  findByIdWithSelection(manager: EntityManager, id: number): Promise<Workout | null> {
    return this.withSelection(manager).where('workout.id = :id', { id }).getOne();
  }

  exists(manager: EntityManager, id: number): Promise<boolean> {
    return manager.existsBy(Workout, { id });
  }

  async insert(manager: EntityManager, fields: WorkoutFields): Promise<number> {
    const result = await manager.insert(Workout, fields);
    return Number((result.identifiers[0] as { id: number }).id);
  }

  /** Writes only the given columns. */
  async update(manager: EntityManager, id: number, fields: WorkoutFields): Promise<void> {
    if (Object.keys(fields).length === 0) return;
    await manager.update(Workout, { id }, fields);
  }

  /** Returns whether the workout existed. */
  async delete(manager: EntityManager, id: number): Promise<boolean> {
    const result = await manager.delete(Workout, { id });
    return (result.affected ?? 0) > 0;
  }
}
