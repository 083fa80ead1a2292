import { readFileSync } from 'node:fs';
import { DomainError } from '../src/common/domain-error';
import { WorkoutImportService } from '../src/workout-import/workout-import.service';
import { cliContext } from './cli-context';

const USAGE = 'Usage: npm run import -- <file.csv>';
const PROGRESS_FROM_ROWS = 1000;

/** Imports a TrainingPeaks CSV with the same rules (and transaction) as POST /api/workouts/import. */
async function main(): Promise<number> {
  const args = process.argv.slice(2);
  if (args.length !== 1 || args[0].startsWith('--')) {
    console.error(USAGE);
    return 2;
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(readFileSync(args[0]));
  } catch (error) {
    console.error(`Cannot read ${args[0]} as UTF-8 text: ${(error as Error).message}`);
    return 1;
  }
  const app = await cliContext();
  try {
    const result = await app.get(WorkoutImportService).importCsv(text, ({ inserted, total }) => {
      if (total >= PROGRESS_FROM_ROWS) process.stderr.write(`\rInserted ${inserted}/${total} rows`);
    });
    if (result.imported >= PROGRESS_FROM_ROWS) process.stderr.write('\n');
    console.log(result.message);
    for (const { row, reason } of result.skipped) console.log(`  row ${row}: ${reason}`);
    return 0;
  } catch (error) {
    console.error(error instanceof DomainError ? error.message : `Failed: ${String(error)}`);
    return 1;
  } finally {
    await app.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`Failed: ${(error as Error).message}`);
    process.exit(1);
  },
);
