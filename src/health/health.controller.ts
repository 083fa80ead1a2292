import { Controller, Get, HttpStatus, Res } from '@nestjs/common';
import { TypeOrmHealthIndicator } from '@nestjs/terminus';
import type { FastifyReply } from 'fastify';
import { Public } from '../auth/public.decorator';
import { GracefulShutdown } from './graceful-shutdown';

@Controller('health')
export class HealthController {
  constructor(
    private readonly database: TypeOrmHealthIndicator,
    private readonly shutdown: GracefulShutdown,
  ) {}

  /** Liveness plus a database ping: 503 when the database does not answer or on shutdown. */
  @Public()
  @Get()
  async check(@Res({ passthrough: true }) response: FastifyReply) {
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
