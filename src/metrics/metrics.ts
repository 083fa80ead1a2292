import { Injectable } from '@nestjs/common';
import {
  collectDefaultMetrics,
  Counter,
  Gauge,
  Histogram,
  LabelValues,
  Registry,
} from 'prom-client';
import { DomainError } from '../shared/domain-error';

/** What a pg Pool says of itself (node-postgres). */
interface PoolCounts {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
}

/** Outcomes of a selection write, as the metrics name them. */
export type SelectionWriteOutcome = 'ok' | 'not_found' | 'invalid' | 'busy' | 'error';

const SELECTION_WRITE_ROUTE = '/api/selections/:workoutId';

/** A selection write's outcome by its status; undefined when it is no write (401). */
function selectionOutcome(statusCode: number): SelectionWriteOutcome | undefined {
  if (statusCode === 200) return 'ok';
  if (statusCode === 404) return 'not_found';
  if (statusCode === 401 || statusCode === 403) return undefined;
  if (statusCode === 503) return 'busy';
  return statusCode < 500 ? 'invalid' : 'error';
}

/**
 * The app's Prometheus metrics, in a registry of its own (not prom-client's global one, so
 * that several apps in one process, as in the specs, do not share counts).
 */
@Injectable()
export class Metrics {
  readonly registry = new Registry();

  readonly httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP requests by method, route template and status, and how long they took',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  readonly selectionWrites = new Counter({
    name: 'selection_writes_total',
    help: 'PUT/POST /api/selections/:workoutId by outcome (ok, not_found, invalid, busy, error)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly conflictRetries = new Counter({
    name: 'selection_conflict_retries_total',
    help: 'Writes retried after a conflict, by the driver code that caused the retry',
    labelNames: ['code'] as const,
    registers: [this.registry],
  });

  readonly databaseUnavailable = new Counter({
    name: 'db_unavailable_total',
    help: 'Requests answered 503 because the database could not be reached or was held',
    registers: [this.registry],
  });

  /** migrations_applied: as of the process's start, read when scraped. */
  watchMigrations(executed: () => number): void {
    new Gauge({
      name: 'migrations_applied',
      help: 'Migrations applied to the database, as of the start of this process',
      registers: [this.registry],
      collect() {
        this.set(executed());
      },
    });
  }

  /** backup_last_success_timestamp_seconds: the newest backup in the folder, when scraped. */
  watchBackups(newest: () => Date | null): void {
    new Gauge({
      name: 'backup_last_success_timestamp_seconds',
      help: 'When the newest backup in BACKUP_DIR was taken (Unix time; 0: none yet)',
      registers: [this.registry],
      collect() {
        this.set((newest()?.getTime() ?? 0) / 1000);
      },
    });
  }

  // http_request_duration_seconds children by label values: a Map lookup per request instead
  // of prom-client hashing the labels each time.
  private readonly durations = new Map<string, { observe(seconds: number): void }>();

  /** Default process metrics (memory, CPU, event-loop lag), when metrics are served at all. */
  collectProcessMetrics(): void {
    collectDefaultMetrics({ register: this.registry });
  }

  /** db_pool_connections{state}: read from the pool when scraped (PostgreSQL only). */
  watchPool(pool: PoolCounts): void {
    new Gauge({
      name: 'db_pool_connections',
      help: 'PostgreSQL pool connections by state: idle, busy (in use), waiting (requests queued)',
      labelNames: ['state'] as const,
      registers: [this.registry],
      collect() {
        this.set({ state: 'idle' }, pool.idleCount);
        this.set({ state: 'busy' }, pool.totalCount - pool.idleCount);
        this.set({ state: 'waiting' }, pool.waitingCount);
      },
    });
  }

  /**
   * One answered request: its duration under the route template (never the raw URL, whose ids
   * would make a series each), for a selection write its outcome, and whether it failed because
   * the database was unavailable (`failure`: what the error filter answered for).
   */
  recordResponse(
    method: string,
    route: string | undefined,
    statusCode: number,
    elapsedMs: number,
    failure?: unknown,
  ): void {
    this.observeRequest(method, route ?? 'unmatched', statusCode, elapsedMs / 1000);
    if (failure instanceof DomainError && failure.code === 'UNAVAILABLE') {
      this.databaseUnavailable.inc();
    }
    if (route === SELECTION_WRITE_ROUTE && (method === 'PUT' || method === 'POST')) {
      const outcome = selectionOutcome(statusCode);
      if (outcome) this.selectionWrites.inc({ outcome });
    }
  }

  private observeRequest(method: string, route: string, statusCode: number, seconds: number): void {
    const key = `${method} ${statusCode} ${route}`;
    let child = this.durations.get(key);
    if (!child) {
      const labels: LabelValues<'method' | 'route' | 'status_code'> = {
        method,
        route,
        status_code: statusCode,
      };
      child = this.httpDuration.labels(labels);
      this.durations.set(key, child);
    }
    child.observe(seconds);
  }
}
