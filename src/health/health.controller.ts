import { Controller, Get, HttpStatus, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { TypeOrmHealthIndicator } from '@nestjs/terminus';
import type { FastifyReply } from 'fastify';
import { GracefulShutdown } from './graceful-shutdown';
import { HealthyJson, UnhealthyJson } from './health.presenter';
import { Public } from '../http/route-policy';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly database: TypeOrmHealthIndicator,
    private readonly shutdown: GracefulShutdown,
  ) {}

  /** Liveness plus a database ping: 503 when the database does not answer or on shutdown. */
  @Public()
  @Get()
  @ApiOperation({ summary: 'Liveness, with a database ping' })
  @ApiOkResponse({ type: HealthyJson })
  @ApiResponse({ status: 503, description: 'The database does not answer', type: UnhealthyJson })
  async check(
    @Res({ passthrough: true }) response: FastifyReply,
  ): Promise<HealthyJson | UnhealthyJson> {
    const timestamp = new Date().toISOString();
    if (this.shutdown.shuttingDown) {
      void response.status(HttpStatus.SERVICE_UNAVAILABLE);
      return { status: 'unhealthy', error: 'Shutting down', timestamp };
    }
    // Terminus 11 reports a failed ping in its result ({database: {status: 'down'}}), not by
    // throwing.
    const ping = await this.database.pingCheck('database', { timeout: 2000 });
    if (ping.database?.status === 'up') return { status: 'healthy', timestamp };
    void response.status(HttpStatus.SERVICE_UNAVAILABLE);
    return { status: 'unhealthy', error: 'Database is unreachable', timestamp };
  }
}
