import { Injectable } from '@nestjs/common';
import { DomainError } from '../shared/domain-error';
import { TransactionRunner } from '../database/transaction-runner';
import { WorkoutsRepository } from '../plan/workouts.repository';
import { daysOf, duplicateKey, parseCsvRecords, planImport } from './csv-rows';
import { ImportJson } from './workout-import.presenter';

export interface ImportProgress {
  inserted: number;
  total: number;
}

const CHUNK_ROWS = 500;

/** TrainingPeaks CSV import: rows checked, duplicates skipped, all rows in one transaction. */
@Injectable()
export class WorkoutImportService {
  constructor(
    private readonly db: TransactionRunner,
    private readonly workouts: WorkoutsRepository,
  ) {}

  async importCsv(
    text: string,
    onProgress?: (progress: ImportProgress) => void,
  ): Promise<ImportJson> {
    if (text.replace(/^\uFEFF/, '').trim() === '') {
      throw new DomainError('BAD_INPUT', 'No CSV data provided');
    }
    const records = parseCsvRecords(text);
    const days = daysOf(records);
    const createdAt = new Date();

    const { rows, skipped } = await this.db.write({ what: 'the import' }, async (manager) => {
      // Another import's rows are committed and visible once it is our turn.
      await this.workouts.lockImports(manager);
      // The existing keys are read inside the transaction, so the duplicate check holds.
      const existing = new Set<string>();
      if (days.length > 0) {
        const known = await this.workouts.titlesAndDays(manager, days[0], days[days.length - 1]);
        for (const { title, day } of known) existing.add(duplicateKey(title, day));
      }
      const plan = planImport(records, existing);
      await this.workouts.insertMany(
        manager,
        plan.rows.map(({ workout }) => ({ ...workout, isCustom: false, createdAt })),
        CHUNK_ROWS,
        (inserted) => onProgress?.({ inserted, total: plan.rows.length }),
      );
      return plan;
    });

    const tail = skipped.length > 0 ? ` (${skipped.length} rows skipped)` : '';
    return {
      message: `Successfully imported ${rows.length} workouts${tail}`,
      imported: rows.length,
      skipped,
    };
  }
}
