import {
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
  OnModuleDestroy,
} from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { AppConfig, BackupConfig } from '../config/configuration';
import type { DatabaseTarget } from '../config/database-url';
import { Metrics } from '../metrics/metrics';
import { BackupFile, CLOCK_SKEW_MS, listBackups, newestBackupSync } from './backup-folder';
import { takeBackupIfDue } from './take-backup';
import { BackupBusyError } from './backup-errors';

const HOUR_MS = 3_600_000;

/**
 * Takes a backup every BACKUP_INTERVAL_HOURS, counted from the newest backup in the folder
 * (whoever took it), so restarts and several processes do not multiply them. It runs in timers,
 * never on a request; a failure is logged and tried again an interval later. A shutdown gives a
 * backup under way SHUTDOWN_GRACE_MS, then stops it.
 */
@Injectable()
export class BackupScheduler
  implements OnApplicationBootstrap, OnModuleDestroy, OnApplicationShutdown
{
  private readonly logger = new Logger('Backup');
  private readonly settings: BackupConfig;
  private readonly target: DatabaseTarget;
  private readonly graceMs: number;
  private timer?: NodeJS.Timeout;
  private running: Promise<void> = Promise.resolve();
  /** Stops the backup under way; set while one runs. */
  private abort?: AbortController;
  private stopTimer?: NodeJS.Timeout;
  private stopped = false;
  /** Files named for the future already warned about: once each, not at every scan. */
  private readonly warned = new Set<string>();

  constructor(config: ConfigService<AppConfig, true>, metrics: Metrics) {
    this.settings = config.get('backup', { infer: true });
    this.target = config.get('database', { infer: true });
    this.graceMs = config.get('shutdownGraceMs', { infer: true });
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

  /** The start of a shutdown, before the requests drain: from now on the grace runs. */
  onModuleDestroy(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    const abort = this.abort;
    if (!abort) return;
    this.logger.log(`Shutting down: the backup under way gets ${this.graceMs} ms to finish`);
    this.stopTimer = setTimeout(
      () =>
        abort.abort(
          `the server is shutting down and SHUTDOWN_GRACE_MS (${this.graceMs} ms) passed`,
        ),
      this.graceMs,
    );
  }

  async onApplicationShutdown(): Promise<void> {
    // The backup under way has ended (its file renamed, or removed) before the process exits.
    await this.running;
    clearTimeout(this.stopTimer);
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
    const abort = new AbortController();
    this.abort = abort;
    let next = this.intervalMs;
    try {
      const outcome = await takeBackupIfDue(this.target, this.settings, this.intervalMs, {
        signal: abort.signal,
      });
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
      } else if (abort.signal.aborted) {
        this.logger.error(`Backup stopped, nothing kept: ${message}`);
      } else {
        const retry = this.stopped ? '' : `; next try in ${this.settings.intervalHours} h`;
        this.logger.error(`Scheduled backup failed: ${message}${retry}`);
      }
    } finally {
      this.abort = undefined;
    }
    this.schedule(next);
  }
}
