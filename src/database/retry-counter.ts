import { Injectable } from '@nestjs/common';

/** Counts retried database conflicts by error code (read by the metrics endpoint). */
@Injectable()
export class RetryCounter {
  private readonly counts = new Map<string, number>();

  increment(code: string): void {
    this.counts.set(code, (this.counts.get(code) ?? 0) + 1);
  }

  total(): number {
    let sum = 0;
    for (const count of this.counts.values()) sum += count;
    return sum;
  }

  snapshot(): Record<string, number> {
    return Object.fromEntries(this.counts);
  }
}
