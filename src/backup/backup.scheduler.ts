import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { AppConfig, BackupConfig } from '../config/configuration';
import type { DatabaseTarget } from '../config/database-url';
import { Metrics } from '../metrics/metrics';
import { BackupFile, listBackups, newestBackupSync } from './backup-files';
import { BackupBusyError, takeBackup } from './backups';

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
    const last = await this.newest().catch((error: Error) => {
      this.logger.error(`Backup folder ${this.settings.dir} cannot be read: ${error.message}`);
      return null;
    });
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

  private async newest(): Promise<BackupFile | null> {
    return (await listBackups(this.settings.dir))[0] ?? null;
  }

  private untilNext(takenAt: Date): number {
    return Math.max(0, takenAt.getTime() + this.intervalMs - Date.now());
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.runWhenDue();
    }, delayMs);
    this.timer.unref();
  }

  private async runWhenDue(): Promise<void> {
    let next = this.intervalMs;
    // An unreadable folder: the backup itself then fails and says why.
    const last = await this.newest().catch(() => null);
    const wait = last ? this.untilNext(last.takenAt) : 0;
    // Taken meanwhile by another process: wait for that one's interval to pass.
    if (wait > 0) next = wait;
    else await this.backUp();
    this.schedule(next);
  }

  private async backUp(): Promise<void> {
    try {
      const report = await takeBackup(this.target, this.settings);
      const removed = report.removed.length ? `; removed ${report.removed.length} old` : '';
      this.logger.log(
        `Backup written: ${report.file} (${report.bytes} bytes, ${report.durationMs} ms${removed})`,
      );
    } catch (error) {
      if (error instanceof BackupBusyError) {
        this.logger.log(`Backup skipped: ${error.message}`);
        return;
      }
      this.logger.error(
        `Scheduled backup failed: ${(error as Error).message}; next try in ` +
          `${this.settings.intervalHours} h`,
      );
    }
  }
}
