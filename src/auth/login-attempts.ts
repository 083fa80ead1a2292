import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { DomainError } from '../common/domain-error';
import type { AppConfig } from '../config/configuration';

const WINDOW_MS = 60_000;
/** Past this many addresses, expired entries are swept (one per address otherwise lingers). */
const SWEEP_ABOVE = 10_000;

/** An attempt in progress: it ends as a failure (it counts) or a success (it does not). */
export interface LoginAttempt {
  failed(): void;
  succeeded(): void;
}

/**
 * Failed logins per client address and minute (LOGIN_ATTEMPTS_PER_MINUTE). Only failures count,
 * so the owner logging in is never what locks anybody out; attempts still being checked count
 * as failures until they end, so parallel guesses cannot slip past the limit. The address is
 * Fastify's `request.ip`: the real client behind a proxy that TRUST_PROXY names.
 */
@Injectable()
export class LoginAttempts {
  private readonly limit: number;
  /** address → times (ms) of its recent failures, oldest first. */
  private readonly failures = new Map<string, number[]>();
  private readonly inFlight = new Map<string, number>();

  constructor(config: ConfigService<AppConfig, true>) {
    this.limit = config.get('auth.loginAttemptsPerMinute', { infer: true });
  }

  /** Starts an attempt, or refuses it with 429 while the address is over its limit. */
  begin(address: string): LoginAttempt {
    const now = Date.now();
    if (this.failures.size > SWEEP_ABOVE) this.sweep(now);
    const recent = (this.failures.get(address) ?? []).filter((at) => at > now - WINDOW_MS);
    if (recent.length > 0) this.failures.set(address, recent);
    else this.failures.delete(address);
    const pending = this.inFlight.get(address) ?? 0;
    if (recent.length + pending >= this.limit) {
      const retryAfter = recent.length > 0 ? Math.ceil((recent[0] + WINDOW_MS - now) / 1000) : 1;
      throw new DomainError(
        'TOO_MANY_REQUESTS',
        `Too many login attempts. Try again in ${retryAfter} seconds.`,
        { retryAfterSeconds: retryAfter },
      );
    }
    this.inFlight.set(address, pending + 1);
    const end = () => {
      const left = (this.inFlight.get(address) ?? 1) - 1;
      if (left > 0) this.inFlight.set(address, left);
      else this.inFlight.delete(address);
    };
    return {
      failed: () => {
        end();
        this.failures.set(address, [...(this.failures.get(address) ?? []), Date.now()]);
      },
      succeeded: end,
    };
  }

  private sweep(now: number): void {
    for (const [address, times] of this.failures) {
      if (times[times.length - 1] <= now - WINDOW_MS) this.failures.delete(address);
    }
  }
}
