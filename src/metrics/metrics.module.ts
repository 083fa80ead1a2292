import { Global, Module, OnModuleInit } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../config/configuration';
import { MigrationRunner } from '../database/migration-runner';
import { TransactionRunner } from '../database/transaction-runner';
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
    private readonly runner: TransactionRunner,
    private readonly migrations: MigrationRunner,
  ) {}

  /**
   * The layers below report to the metrics, not the other way round. Process and pool gauges
   * cost a little on every scrape: only when metrics are served.
   */
  onModuleInit(): void {
    this.runner.onRetry((code) => this.metrics.conflictRetries.inc({ code }));
    this.metrics.watchMigrations(() => this.migrations.executed);
    if (this.config.get('metricsToken', { infer: true }) === null) return;
    this.metrics.collectProcessMetrics();
    const pool = (this.dataSource.driver as { master?: unknown }).master;
    if (this.dataSource.options.type === 'postgres' && pool) {
      this.metrics.watchPool(pool as Parameters<Metrics['watchPool']>[0]);
    }
  }
}
