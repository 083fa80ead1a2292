import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { AppConfig, BackupConfig } from '../config/configuration';
import type { DatabaseTarget } from '../config/database-url';
import { Metrics } from '../metrics/metrics';
import { BackupFile, CLOCK_SKEW_MS, listBackups, newestBackupSync } from './backup-files';
import { BackupBusyError, takeBackupIfDue } from './backups';

const HOUR_MS = 3_600_000;

/**
 * Takes a backup every BACKUP_INTERVAL_HOURS, counted from the newest backup in the folder
 * (whoever took it), so restarts and several processes do not multiply them. It runs in timers,
 * never on a request; a failure is logged and tried again an interval later.
 */
@Injectable()
export class BackupScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Backup');
  private readonly settings: BackupConfig;
  private readonly target: DatabaseTarget;
  private timer?: NodeJS.Timeout;
  private running: Promise<void> = Promise.resolve();
  private stopped = false;
  /** Files named for the future already warned about: once each, not at every scan. */
  private readonly warned = new Set<string>();

  constructor(config: ConfigService<AppConfig, true>, metrics: Metrics) {
    this.settings = config.get('backup', { infer: true });
    this.target = config.get('database', { infer: true });
    if (config.get('metricsToken', { infer: true }) !== null) {
      metrics.watchBackups(() => newestBackupSync(this.settings.dir));
    }
  }

  private get intervalMs(): number {
    return this.settings.intervalHours * HOUR_MS;
  }

  async onApplicationBootstrap(): Promise<void> {
    // An unreadable folder is an operator's problem to see in the log, not a reason not to serve.
    const folder = await listBackups(this.settings.dir).catch((error: Error) => {
      this.logger.error(`Backup folder ${this.settings.dir} cannot be read: ${error.message}`);
      return null;
    });
    this.warnOfFuture(folder?.future ?? []);
    const last = folder?.backups[0];
    this.logger.log(
      last
        ? `Last backup: ${last.file}, taken ${last.takenAt.toISOString()}`
        : `No backup yet in ${this.settings.dir}`,
    );
    if (this.intervalMs === 0 || this.isMemory()) {
      this.logger.log(
        `Scheduled backups are off (${this.isMemory() ? 'an in-memory database' : 'BACKUP_INTERVAL_HOURS=0'})`,
      );
      return;
    }
    this.logger.log(
      `A backup every ${this.settings.intervalHours} h into ${this.settings.dir}, ` +
        `keeping ${this.settings.keep}`,
    );
    this.schedule(last ? this.untilNext(last.takenAt) : 0);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    // A backup under way finishes (its file is renamed or removed) before the pool closes.
    await this.running;
  }

  private isMemory(): boolean {
    return this.target.engine === 'sqlite' && this.target.path === ':memory:';
  }

  /**
   * Until the next backup is due: never negative, never more than an interval, whatever a name
   * says (a timer of more than 2^31 ms fires at once, in a loop).
   */
  private untilNext(takenAt: Date): number {
    const due = takenAt.getTime() + this.intervalMs - Date.now();
    return Math.min(Math.max(0, due), this.intervalMs);
  }

  private warnOfFuture(future: BackupFile[]): void {
    for (const backup of future) {
      if (this.warned.has(backup.file)) continue;
      this.warned.add(backup.file);
      this.logger.warn(
        `Ignoring ${backup.file}: named for ${backup.takenAt.toISOString()}, more than ` +
          `${CLOCK_SKEW_MS / 1000} s ahead of this clock; it counts for neither the schedule, ` +
          'retention nor the metric. Rename or remove it.',
      );
    }
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.run();
    }, delayMs);
    this.timer.unref();
  }

  private async run(): Promise<void> {
    let next = this.intervalMs;
    try {
      const outcome = await takeBackupIfDue(this.target, this.settings, this.intervalMs);
      if ('notDue' in outcome) {
        // Taken meanwhile by another process: wait for that one's interval to pass.
        next = this.untilNext(outcome.notDue.takenAt);
      } else {
        const report = outcome.written;
        this.warnOfFuture(report.ignored);
        const removed = report.removed.length ? `; removed ${report.removed.length} old` : '';
        this.logger.log(
          `Backup written: ${report.file} (${report.bytes} bytes, ${report.durationMs} ms${removed})`,
        );
      }
    } catch (error) {
      const message = (error as Error).message;
      if (error instanceof BackupBusyError) {
        this.logger.log(`Backup skipped: ${message}`);
      } else {
        this.logger.error(
          `Scheduled backup failed: ${message}; next try in ${this.settings.intervalHours} h`,
        );
      }
    }
    this.schedule(next);
  }
}
