import { Global, Module, OnModuleInit } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../config/configuration';
import { Metrics } from './metrics';
import { MetricsController } from './metrics.controller';

@Global()
@Module({
  controllers: [MetricsController],
  providers: [Metrics],
  exports: [Metrics],
})
export class MetricsModule implements OnModuleInit {
  constructor(
    private readonly metrics: Metrics,
    private readonly config: ConfigService<AppConfig, true>,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  /** Process and pool gauges cost a little on every scrape: only when metrics are served. */
  onModuleInit(): void {
    if (this.config.get('metricsToken', { infer: true }) === null) return;
    this.metrics.collectProcessMetrics();
    const pool = (this.dataSource.driver as { master?: unknown }).master;
    if (this.dataSource.options.type === 'postgres' && pool) {
      this.metrics.watchPool(pool as Parameters<Metrics['watchPool']>[0]);
    }
  }
}
