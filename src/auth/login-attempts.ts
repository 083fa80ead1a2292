import { isIPv6 } from 'node:net';
import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import ipaddr from 'ipaddr.js';
import { DomainError } from '../shared/domain-error';
import type { AppConfig } from '../config/configuration';

const WINDOW_MS = 60_000;
/** Past this many clients, expired entries are swept (one per client otherwise lingers). */
const SWEEP_ABOVE = 10_000;

/** An attempt in progress: it ends as a failure (it counts) or a success (it does not). */
export interface LoginAttempt {
  failed(): void;
  succeeded(): void;
}

/**
 * What a client's failures are counted under: its IPv4 address, or its IPv6 /64. One host
 * usually holds a whole /64 and may take any address in it, so counting per address would give
 * it 2^64 tries a minute. An IPv4-mapped IPv6 address (`::ffff:192.0.2.1`, from a dual-stack
 * socket) counts as the IPv4 address. Anything else (not an address) counts as written.
 */
export function loginLimitKey(address: string): string {
  if (!isIPv6(address)) return address;
  const ip = ipaddr.IPv6.parse(address);
  if (ip.isIPv4MappedAddress()) return ip.toIPv4Address().toString();
  return `${new ipaddr.IPv6([...ip.parts.slice(0, 4), 0, 0, 0, 0]).toString()}/64`;
}

/**
 * Failed logins per client (see loginLimitKey) and minute (LOGIN_ATTEMPTS_PER_MINUTE). Only
 * failures count, so the owner logging in is never what locks anybody out; attempts still being
 * checked count as failures until they end, so parallel guesses cannot slip past the limit. The
 * address is Fastify's `request.ip`: the real client behind a proxy that TRUST_PROXY names.
 */
@Injectable()
export class LoginAttempts {
  private readonly limit: number;
  /** client key → times (ms) of its recent failures, oldest first. */
  private readonly failures = new Map<string, number[]>();
  private readonly inFlight = new Map<string, number>();

  constructor(config: ConfigService<AppConfig, true>) {
    this.limit = config.get('auth.loginAttemptsPerMinute', { infer: true });
  }

  /** Starts an attempt, or refuses it with 429 while the client is over its limit. */
  begin(address: string): LoginAttempt {
    const key = loginLimitKey(address);
    const now = Date.now();
    if (this.failures.size > SWEEP_ABOVE) this.sweep(now);
    const recent = (this.failures.get(key) ?? []).filter((at) => at > now - WINDOW_MS);
    if (recent.length > 0) this.failures.set(key, recent);
    else this.failures.delete(key);
    const pending = this.inFlight.get(key) ?? 0;
    if (recent.length + pending >= this.limit) {
      const retryAfter = recent.length > 0 ? Math.ceil((recent[0] + WINDOW_MS - now) / 1000) : 1;
      throw new DomainError(
        'TOO_MANY_REQUESTS',
        `Too many login attempts. Try again in ${retryAfter} seconds.`,
        { retryAfterSeconds: retryAfter },
      );
    }
    this.inFlight.set(key, pending + 1);
    const end = () => {
      const left = (this.inFlight.get(key) ?? 1) - 1;
      if (left > 0) this.inFlight.set(key, left);
      else this.inFlight.delete(key);
    };
    return {
      failed: () => {
        end();
        this.failures.set(key, [...(this.failures.get(key) ?? []), Date.now()]);
      },
      succeeded: end,
    };
  }

  private sweep(now: number): void {
    for (const [key, times] of this.failures) {
      if (times[times.length - 1] <= now - WINDOW_MS) this.failures.delete(key);
    }
  }
}
