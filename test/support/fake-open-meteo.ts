import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeAnswer {
  status?: number;
  body?: unknown;
  delayMs?: number;
}

/** Days from `start` to `end` inclusive, `YYYY-MM-DD`. */
export function datesBetween(start: string, end: string): string[] {
  const dates: string[] = [];
  for (let d = new Date(`${start}T00:00:00Z`); d <= new Date(`${end}T00:00:00Z`);) {
    dates.push(d.toISOString().slice(0, 10));
    d = new Date(d.getTime() + 86_400_000);
  }
  return dates;
}

/**
 * A forecast like Open-Meteo's for the requested dates. Daily: temperature 50 + day index,
 * rain 10 * (index + 1), wind 5.5, code 3. Hourly: temperature = hour, rain = 2 * hour,
 * wind = hour / 2, code 0 before noon, 61 until 16:00, then 95.
 */
export function forecastFor(url: URL): Record<string, unknown> {
  const dates = datesBetween(
    url.searchParams.get('start_date') as string,
    url.searchParams.get('end_date') as string,
  );
  const base = {
    latitude: 41.8,
    longitude: -87.6,
    timezone: url.searchParams.get('timezone'),
  };
  if (url.searchParams.has('daily')) {
    return {
      ...base,
      daily: {
        time: dates,
        apparent_temperature_max: dates.map((_, i) => 50 + i),
        precipitation_probability_max: dates.map((_, i) => 10 * (i + 1)),
        windspeed_10m_max: dates.map(() => 5.5),
        weather_code: dates.map(() => 3),
      },
    };
  }
  const time = dates.flatMap((d) =>
    Array.from({ length: 24 }, (_, h) => `${d}T${String(h).padStart(2, '0')}:00`),
  );
  const hour = (t: string) => Number(t.slice(11, 13));
  return {
    ...base,
    hourly: {
      time,
      apparent_temperature: time.map(hour),
      precipitation_probability: time.map((t) => 2 * hour(t)),
      windspeed_10m: time.map((t) => hour(t) / 2),
      weather_code: time.map((t) => (hour(t) < 12 ? 0 : hour(t) < 17 ? 61 : 95)),
    },
  };
}

/** A local stand-in for the Open-Meteo forecast API that records every request. */
export class FakeOpenMeteo {
  readonly requests: URL[] = [];
  /** Decides each answer; tests replace it. */
  answer: (url: URL) => FakeAnswer = (url) => ({ body: forecastFor(url) });
  private server?: Server;
  private readonly timers = new Set<NodeJS.Timeout>();

  get url(): string {
    const { port } = this.server?.address() as AddressInfo;
    return `http://127.0.0.1:${port}/v1/forecast`;
  }

  /** Requests whose query has this date as start_date. */
  callsFor(date: string, kind: 'daily' | 'hourly'): number {
    return this.requests.filter(
      (u) => u.searchParams.get('start_date') === date && u.searchParams.has(kind),
    ).length;
  }

  async start(): Promise<void> {
    this.server = createServer((req: IncomingMessage, res: ServerResponse) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      this.requests.push(url);
      const { status = 200, body = {}, delayMs = 0 } = this.answer(url);
      const send = () => {
        if (res.destroyed) return;
        res.writeHead(status, { 'Content-Type': 'application/json' });
        res.end(typeof body === 'string' ? body : JSON.stringify(body));
      };
      if (delayMs === 0) return send();
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        send();
      }, delayMs);
      this.timers.add(timer);
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
  }

  reset(): void {
    this.requests.length = 0;
    this.answer = (url) => ({ body: forecastFor(url) });
  }

  async stop(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }
}
