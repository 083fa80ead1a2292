import { ApiProperty, ApiSchema } from '@nestjs/swagger';

/** GET /api/stats. */
@ApiSchema({ name: 'Stats' })
export class StatsJson {
  @ApiProperty({ type: 'integer' })
  totalWorkouts!: number;

  @ApiProperty({ type: 'integer', description: 'A workout without a selection row counts' })
  selectedWorkouts!: number;

  @ApiProperty({ type: 'integer' })
  customWorkouts!: number;
}
