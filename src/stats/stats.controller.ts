import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiDatabaseUnavailable } from '../http/openapi';
import { StatsJson } from './stats.presenter';
import { StatsService } from './stats.service';

@ApiTags('stats')
@ApiDatabaseUnavailable()
@Controller('stats')
export class StatsController {
  constructor(private readonly stats: StatsService) {}

  @Get()
  @ApiOperation({ summary: 'Workout counts' })
  @ApiOkResponse({ type: StatsJson })
  get() {
    return this.stats.get();
  }
}
