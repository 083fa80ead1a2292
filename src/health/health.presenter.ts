import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { ApiTimestamp } from '../http/openapi';

@ApiSchema({ name: 'Healthy' })
export class HealthyJson {
  @ApiProperty({ enum: ['healthy'] })
  status!: 'healthy';

  @ApiTimestamp()
  timestamp!: string;
}

@ApiSchema({ name: 'Unhealthy' })
export class UnhealthyJson {
  @ApiProperty({ enum: ['unhealthy'] })
  status!: 'unhealthy';

  @ApiProperty({ example: 'Database is unreachable' })
  error!: string;

  @ApiTimestamp()
  timestamp!: string;
}
