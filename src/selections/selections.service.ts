import { Injectable } from '@nestjs/common';
import { notFound } from '../shared/domain-error';
import { pickDefined } from '../shared/pick';
import { isForeignKeyViolation } from '../database/driver-errors';
import { TransactionRunner } from '../database/transaction-runner';
import { WorkoutsRepository } from '../plan/workouts.repository';
import { UpsertSelectionDto } from './dto/upsert-selection.dto';
import { SELECTION_FIELDS, SelectionChanges } from '../plan/selection-changes';
import { presentSelection, SelectionJson } from './selection.presenter';
import { SelectionsRepository } from '../plan/selections.repository';

/** What a selection request changes: the keys it sent, plus the deselect rule. */
export function changesFor(body: UpsertSelectionDto): SelectionChanges {
  const changes: SelectionChanges = pickDefined(body, SELECTION_FIELDS);
  // A workout the athlete no longer plans has no slot, unless this request places it.
  if (body.isSelected === false && body.timeOfDay === undefined) changes.timeOfDay = null;
  return changes;
}

@Injectable()
export class SelectionsService {
  constructor(
    private readonly db: TransactionRunner,
    private readonly workouts: WorkoutsRepository,
    private readonly selections: SelectionsRepository,
  ) {}

  /** Creates or updates the workout's one selection row with the fields the request sent. */
  upsert(workoutId: number, body: UpsertSelectionDto): Promise<SelectionJson> {
    const changes = changesFor(body);
    // The workout's existence is checked by the foreign key inside the one statement, rather
    // than by a SELECT first: a round trip less per request, and no gap for a delete to slip in.
    return this.db
      .write({ workoutId }, async (manager) =>
        presentSelection(await this.selections.upsertForWorkout(manager, workoutId, changes)),
      )
      .catch((error: unknown) => {
        // The workout does not exist, or was deleted while we wrote.
        throw isForeignKeyViolation(error) ? notFound('Workout') : error;
      });
  }

  /** Resets the workout to its defaults; fine whether or not a row existed. */
  async remove(workoutId: number): Promise<void> {
    await this.db.write({ workoutId }, async (manager) => {
      if (!(await this.workouts.exists(manager, workoutId))) throw notFound('Workout');
      await this.selections.deleteForWorkout(manager, workoutId);
    });
  }
}
