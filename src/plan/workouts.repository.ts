import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { placeholder } from '../database/raw-sql';
import { toDateString } from '../shared/dates';
import { WorkoutSelection } from './workout-selection.entity';
import { Workout } from './workout.entity';
import type { WorkoutWithSelection } from './workout-with-selection';

// Any constant works; distinct from the migrations' lock.
const IMPORT_LOCK = 7_061_991;

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
  findAllWithSelection(manager: EntityManager): Promise<WorkoutWithSelection[]> {
    return this.withSelection(manager)
      .orderBy('workout.originally_planned_day', 'ASC')
      .addOrderBy('workout.id', 'ASC')
      .getMany();
  }

  findByIdWithSelection(manager: EntityManager, id: number): Promise<WorkoutWithSelection | null> {
    return this.withSelection(manager).where('workout.id = :id', { id }).getOne();
  }

  async exists(manager: EntityManager, id: number): Promise<boolean> {
    const p = placeholder(manager);
    const rows: unknown[] = await manager.query(`SELECT 1 FROM workouts WHERE id = ${p(1)}`, [id]);
    return rows.length > 0;
  }

  /**
   * Whether the workout exists, locked against other changes of it until the transaction ends.
   * SQLite needs no lock: BEGIN IMMEDIATE already serialises writers.
   *
   * PostgreSQL: an update takes FOR NO KEY UPDATE, which leaves a new selection's foreign-key
   * check (FOR KEY SHARE) free to go on. With FOR UPDATE that check would wait, after its insert,
   * for this transaction, whose own selection upsert waits for that insert: a deadlock (40P01).
   * A delete takes FOR UPDATE: a selection inserted meanwhile waits, then finds no workout (404).
   */
  async lockForChange(
    manager: EntityManager,
    id: number,
    change: 'update' | 'delete',
  ): Promise<boolean> {
    if (manager.connection.options.type !== 'postgres') return this.exists(manager, id);
    const mode = change === 'update' ? 'FOR NO KEY UPDATE' : 'FOR UPDATE';
    const rows: unknown[] = await manager.query(`SELECT 1 FROM workouts WHERE id = $1 ${mode}`, [
      id,
    ]);
    return rows.length > 0;
  }

  /**
   * Imports of the same file at once must not both insert it: on PostgreSQL, imports take
   * turns on a transaction-scoped advisory lock (READ COMMITTED alone lets both read "absent"
   * and insert). On SQLite, BEGIN IMMEDIATE serialises them already.
   */
  async lockImports(manager: EntityManager): Promise<void> {
    if (manager.connection.options.type !== 'postgres') return;
    await manager.query('SELECT pg_advisory_xact_lock($1)', [IMPORT_LOCK]);
  }

  async insert(manager: EntityManager, fields: WorkoutFields): Promise<number> {
    const result = await manager.insert(Workout, fields);
    return Number((result.identifiers[0] as { id: number }).id);
  }

  /** Inserts many rows with multi-row INSERTs of `chunkSize` rows; `onChunk` gets the total so far. */
  async insertMany(
    manager: EntityManager,
    rows: WorkoutFields[],
    chunkSize = 500,
    onChunk?: (inserted: number) => void,
  ): Promise<void> {
    for (let start = 0; start < rows.length; start += chunkSize) {
      const chunk = rows.slice(start, start + chunkSize);
      await manager
        .createQueryBuilder()
        .insert()
        .into(Workout)
        .values(chunk)
        .updateEntity(false)
        .execute();
      onChunk?.(start + chunk.length);
    }
  }

  /** `(title, day)` of the workouts whose original day lies in [from, to]. */
  async titlesAndDays(
    manager: EntityManager,
    from: string,
    to: string,
  ): Promise<{ title: string; day: string }[]> {
    const rows = await manager
      .createQueryBuilder(Workout, 'workout')
      .select(['workout.title', 'workout.originallyPlannedDay'])
      .where('workout.originally_planned_day BETWEEN :from AND :to', { from, to })
      .getMany();
    return rows.map((row) => ({
      title: row.title,
      day: toDateString(row.originallyPlannedDay) ?? '',
    }));
  }

  /** Counts for GET /api/stats; a workout without a selection row counts as selected. */
  async counts(
    manager: EntityManager,
  ): Promise<{ total: number; selected: number; custom: number }> {
    const row = await manager
      .createQueryBuilder(Workout, 'workout')
      .leftJoin(WorkoutSelection, 'selection', 'selection.workout_id = workout.id')
      .select('COUNT(*)', 'total')
      .addSelect(
        'SUM(CASE WHEN selection.id IS NULL OR selection.is_selected = :yes THEN 1 ELSE 0 END)',
        'selected',
      )
      .addSelect('SUM(CASE WHEN workout.is_custom = :yes THEN 1 ELSE 0 END)', 'custom')
      .setParameter('yes', true)
      .getRawOne<{ total: unknown; selected: unknown; custom: unknown }>();
    return {
      total: Number(row?.total ?? 0),
      selected: Number(row?.selected ?? 0),
      custom: Number(row?.custom ?? 0),
    };
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
