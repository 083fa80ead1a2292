import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { DomainError } from '../shared/domain-error';
import type { AppConfig, WeatherConfig } from '../config/configuration';
import { ForecastCache } from './forecast-cache';

type Values = (number | null)[];

export interface DailyForecast {
  latitude: number | null;
  longitude: number | null;
  timezone: string;
  dates: string[];
  temperatures: Values;
  rainProbability: Values;
  windspeed: Values;
  weatherCodes: Values;
}

export interface HourlyForecast {
  time: string[];
  temperature: Values;
  rainProbability: Values;
  windspeed: Values;
  weatherCode: Values;
}

const DAILY = [
  'apparent_temperature_max',
  'precipitation_probability_max',
  'windspeed_10m_max',
  'weather_code',
];
const HOURLY = [
  'apparent_temperature',
  'precipitation_probability',
  'windspeed_10m',
  'weather_code',
];

interface OpenMeteoBody {
  latitude?: unknown;
  longitude?: unknown;
  timezone?: unknown;
  daily?: Record<string, unknown>;
  hourly?: Record<string, unknown>;
}

const unavailable = (why: string) =>
  new DomainError('UPSTREAM_UNAVAILABLE', `Failed to fetch weather data: ${why}`);

/** An upstream array aligned with `length`; anything that is not a number becomes null. */
function numbers(value: unknown, length: number): Values {
  const array = Array.isArray(value) ? (value as unknown[]) : [];
  return Array.from({ length }, (_, i) =>
    typeof array[i] === 'number' && Number.isFinite(array[i]) ? array[i] : null,
  );
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

const numberOrNull = (value: unknown) => (typeof value === 'number' ? value : null);

/** The Open-Meteo forecast API, through the in-memory cache. */
@Injectable()
export class OpenMeteoClient {
  private readonly logger = new Logger(OpenMeteoClient.name);
  private readonly settings: WeatherConfig;
  private readonly cache: ForecastCache<OpenMeteoBody>;

  constructor(config: ConfigService<AppConfig, true>) {
    this.settings = config.get('weather', { infer: true });
    this.cache = new ForecastCache(this.settings.cacheSeconds * 1000);
  }

  get timezone(): string {
    return this.settings.timezone;
  }

  async daily(startDate: string, endDate: string): Promise<DailyForecast> {
    const body = await this.query({
      start_date: startDate,
      end_date: endDate,
      daily: DAILY.join(','),
    });
    const daily = body.daily ?? {};
    const dates = strings(daily.time);
    return {
      latitude: numberOrNull(body.latitude),
      longitude: numberOrNull(body.longitude),
      timezone: typeof body.timezone === 'string' ? body.timezone : this.settings.timezone,
      dates,
      temperatures: numbers(daily.apparent_temperature_max, dates.length),
      rainProbability: numbers(daily.precipitation_probability_max, dates.length),
      windspeed: numbers(daily.windspeed_10m_max, dates.length),
      weatherCodes: numbers(daily.weather_code, dates.length),
    };
  }

  async hourly(startDate: string, endDate: string): Promise<HourlyForecast> {
    const body = await this.query({
      start_date: startDate,
      end_date: endDate,
      hourly: HOURLY.join(','),
    });
    const hourly = body.hourly ?? {};
    const time = strings(hourly.time);
    return {
      time,
      temperature: numbers(hourly.apparent_temperature, time.length),
      rainProbability: numbers(hourly.precipitation_probability, time.length),
      windspeed: numbers(hourly.windspeed_10m, time.length),
      weatherCode: numbers(hourly.weather_code, time.length),
    };
  }

  private query(params: Record<string, string>): Promise<OpenMeteoBody> {
    const url = new URL(this.settings.baseUrl);
    const all = {
      latitude: String(this.settings.latitude),
      longitude: String(this.settings.longitude),
      temperature_unit: this.settings.temperatureUnit,
      wind_speed_unit: this.settings.windSpeedUnit,
      timezone: this.settings.timezone,
      ...params,
    };
    for (const [key, value] of Object.entries(all)) url.searchParams.set(key, value);
    const key = url.toString();
    return this.cache.get(key, () => this.fetchJson(key));
  }

  private async fetchJson(url: string): Promise<OpenMeteoBody> {
    const { timeoutMs } = this.settings;
    let response: Response;
    let body: unknown;
    try {
      // The signal also bounds reading the body.
      response = await fetch(url, {
        signal: AbortSignal.timeout(timeoutMs),
        headers: { Accept: 'application/json' },
      });
      body = response.ok ? await response.json() : undefined;
    } catch (error) {
      const name = (error as Error)?.name;
      if (name === 'TimeoutError' || name === 'AbortError') {
        this.logger.warn(`Open-Meteo gave no answer within ${timeoutMs} ms`);
        throw unavailable(`the weather service did not answer within ${timeoutMs} ms`);
      }
      if (name === 'SyntaxError') {
        this.logger.warn('Open-Meteo sent a body that is not JSON');
        throw unavailable('the weather service sent an unreadable answer');
      }
      this.logger.warn({ err: error }, 'Open-Meteo is unreachable');
      throw unavailable('the weather service is unreachable');
    }
    if (!response.ok) {
      this.logger.warn(`Open-Meteo answered HTTP ${response.status}`);
      throw unavailable(`the weather service answered HTTP ${response.status}`);
    }
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      throw unavailable('the weather service sent an unreadable answer');
    }
    return body;
  }
}
