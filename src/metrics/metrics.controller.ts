import { Controller, Get, Headers, Res } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { createHash, timingSafeEqual } from 'node:crypto';
import { DomainError } from '../shared/domain-error';
import { ApiErrors } from '../http/openapi';
import type { AppConfig } from '../config/configuration';
import { Metrics } from './metrics';
import { Public } from '../http/route-policy';

const digest = (text: string) => createHash('sha256').update(text).digest();

@ApiTags('metrics')
@Controller('metrics')
export class MetricsController {
  private readonly expected: Buffer | null;

  constructor(
    private readonly metrics: Metrics,
    config: ConfigService<AppConfig, true>,
  ) {
    const token = config.get('metricsToken', { infer: true });
    this.expected = token === null ? null : digest(`Bearer ${token}`);
  }

  /** Open to the login gate: Prometheus authenticates with METRICS_TOKEN, never a login token. */
  // Above @Public(), whose `security: []` it replaces with the metrics token's scheme.
  @ApiOperation({
    summary: 'Prometheus metrics (text format), with METRICS_TOKEN as bearer',
    security: [{ metrics: [] }],
  })
  @Public()
  @Get()
  @ApiOkResponse({
    description: 'The metrics, in the Prometheus text exposition format',
    content: { 'text/plain': { schema: { type: 'string' } } },
  })
  @ApiErrors([401, 'No or a wrong metrics token'], [404, 'Metrics are off: METRICS_TOKEN is unset'])
  async scrape(
    @Headers('authorization') authorization: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    if (this.expected === null) {
      throw new DomainError('NOT_FOUND', 'Metrics are off: set METRICS_TOKEN to serve them');
    }
    // Compared as digests: equal lengths, in constant time.
    if (!timingSafeEqual(digest(authorization ?? ''), this.expected)) {
      throw new DomainError('UNAUTHORIZED', 'The metrics token is missing or wrong');
    }
    void reply.type(this.metrics.registry.contentType);
    return this.metrics.registry.metrics();
  }
}
