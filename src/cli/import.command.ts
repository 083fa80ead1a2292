import { readFileSync } from 'node:fs';
import { CliIo, EXIT, ExitCode } from './terminal';
import { DomainError } from '../shared/domain-error';
import { WorkoutImportService } from '../workout-import/workout-import.service';
import { cliContext } from './cli.module';

export const USAGE = 'Usage: npm run import -- <file.csv>';
const PROGRESS_FROM_ROWS = 1000;

/**
 * `npm run import -- <file.csv>`: a TrainingPeaks CSV with the same rules (and transaction) as
 * POST /api/workouts/import; progress on stderr for large files.
 */
export async function importCommand(argv: string[], io: CliIo): Promise<ExitCode> {
  if (argv.length !== 1 || argv[0].startsWith('--')) {
    io.err(USAGE);
    return EXIT.usage;
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(readFileSync(argv[0]));
  } catch (error) {
    io.err(`Cannot read ${argv[0]} as UTF-8 text: ${(error as Error).message}`);
    return EXIT.failed;
  }
  const app = await cliContext();
  try {
    const result = await app.get(WorkoutImportService).importCsv(text, ({ inserted, total }) => {
      if (total >= PROGRESS_FROM_ROWS) process.stderr.write(`\rInserted ${inserted}/${total} rows`);
    });
    if (result.imported >= PROGRESS_FROM_ROWS) process.stderr.write('\n');
    io.out(result.message);
    for (const { row, reason } of result.skipped) io.out(`  row ${row}: ${reason}`);
    return EXIT.ok;
  } catch (error) {
    io.err(error instanceof DomainError ? error.message : `Failed: ${String(error)}`);
    return EXIT.failed;
  } finally {
    await app.close();
  }
}
