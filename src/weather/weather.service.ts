import { Injectable } from '@nestjs/common';
import { addDays, todayIn } from '../shared/dates';
import { DomainError } from '../shared/domain-error';
import { bucketByTimeOfDay } from './weather-buckets';
import { describeWeatherCode } from './weather-codes';
import { OpenMeteoClient } from './open-meteo.client';
import { WeatherByTimeOfDayJson, WeatherDayJson, WeatherRangeJson } from './weather.presenter';

export const DAILY_RANGE_DAYS = 16;
export const HOURLY_RANGE_DAYS = 7;
const DEFAULT_SPAN_DAYS = 7;

const beyondDaily = (date: string, last: string) =>
  new DomainError(
    'UPSTREAM_UNAVAILABLE',
    `Forecast date ${date} is beyond the ${DAILY_RANGE_DAYS}-day forecast range. ` +
      `Weather forecasts are only available through ${last}.`,
  );

const noData = (date: string) =>
  new DomainError('UPSTREAM_UNAVAILABLE', `No forecast data available for ${date}`);

/**
 * Forecasts for the planner's location. Dates are local to the configured time zone; the
 * forecast reaches 16 days ahead (daily) and 7 days ahead (by time of day). Past dates are
 * passed on to the upstream, as before.
 */
@Injectable()
export class WeatherService {
  constructor(private readonly openMeteo: OpenMeteoClient) {}

  private today(): string {
    return todayIn(this.openMeteo.timezone);
  }

  async range(start?: string, end?: string): Promise<WeatherRangeJson> {
    const last = addDays(this.today(), DAILY_RANGE_DAYS);
    const startDate = start ?? this.today();
    const endDate = end ?? addDays(startDate, DEFAULT_SPAN_DAYS);
    if (startDate > endDate) {
      throw new DomainError('BAD_INPUT', 'start_date must be before or equal to end_date');
    }
    if (startDate > last) throw beyondDaily(startDate, last);
    if (endDate > last) throw beyondDaily(endDate, last);
    const daily = await this.openMeteo.daily(startDate, endDate);
    if (daily.dates.length === 0) throw noData(startDate);
    return {
      latitude: daily.latitude,
      longitude: daily.longitude,
      timezone: daily.timezone,
      dates: daily.dates,
      temperatures: daily.temperatures,
      rain_probability: daily.rainProbability,
      windspeed: daily.windspeed,
      weather_codes: daily.weatherCodes,
    };
  }

  async day(date: string): Promise<WeatherDayJson> {
    const last = addDays(this.today(), DAILY_RANGE_DAYS);
    if (date > last) throw beyondDaily(date, last);
    const daily = await this.openMeteo.daily(date, date);
    const i = daily.dates.indexOf(date);
    if (i < 0) throw noData(date);
    return {
      date,
      temperature: daily.temperatures[i],
      rain_probability: daily.rainProbability[i],
      windspeed: daily.windspeed[i],
      weather_code: daily.weatherCodes[i],
      description: describeWeatherCode(daily.weatherCodes[i]),
    };
  }

  async byTimeOfDay(date: string): Promise<WeatherByTimeOfDayJson> {
    const last = addDays(this.today(), HOURLY_RANGE_DAYS);
    if (date > last) {
      throw new DomainError(
        'UPSTREAM_UNAVAILABLE',
        `Forecast date ${date} is beyond the ${HOURLY_RANGE_DAYS}-day hourly forecast range. ` +
          `Time-of-day weather forecasts are only available through ${last}.`,
      );
    }
    const hourly = await this.openMeteo.hourly(date, date);
    if (!hourly.time.some((time) => time.startsWith(`${date}T`))) throw noData(date);
    return { date, ...bucketByTimeOfDay(hourly, date) };
  }
}
