import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import type { SkippedRow } from './csv-rows';

@ApiSchema({ name: 'SkippedRow' })
export class SkippedRowJson implements SkippedRow {
  @ApiProperty({ type: 'integer', description: 'As a spreadsheet numbers it (the header is 1)' })
  row!: number;

  @ApiProperty({ example: 'WorkoutDay is empty' })
  reason!: string;
}

/** POST /api/workouts/import. */
@ApiSchema({ name: 'Import' })
export class ImportJson {
  @ApiProperty({ example: 'Successfully imported 12 workouts (1 rows skipped)' })
  message!: string;

  @ApiProperty({ type: 'integer' })
  imported!: number;

  @ApiProperty({ type: [SkippedRowJson], description: 'Rows not imported, and why' })
  skipped!: SkippedRowJson[];
}
