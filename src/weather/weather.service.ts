import { Injectable } from '@nestjs/common';
import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { addDays, todayIn } from '../shared/dates';
import { DomainError } from '../shared/domain-error';
import { BucketWeather, bucketByTimeOfDay, TimeOfDay } from './weather-buckets';
import { describeWeatherCode } from './weather-codes';
import { OpenMeteoClient } from './open-meteo.client';
import { ApiDate } from '../http/openapi';

export const DAILY_RANGE_DAYS = 16;
export const HOURLY_RANGE_DAYS = 7;
const DEFAULT_SPAN_DAYS = 7;

const Series = (type: 'number' | 'integer', description?: string) =>
  ApiProperty({ type: 'array', items: { type, nullable: true }, description });

/** GET /api/weather: the upstream's daily arrays, one element per date. */
@ApiSchema({ name: 'WeatherRange' })
export class WeatherRangeJson {
  @ApiProperty({ type: Number, nullable: true, description: "The upstream's grid point" })
  latitude!: number | null;

  @ApiProperty({ type: Number, nullable: true })
  longitude!: number | null;

  @ApiProperty({ example: 'America/Chicago' })
  timezone!: string;

  @ApiProperty({ type: 'array', items: { type: 'string', format: 'date' } })
  dates!: string[];

  @Series('number', 'Highest apparent temperature')
  temperatures!: (number | null)[];

  @Series('number', 'Highest, in %')
  rain_probability!: (number | null)[];

  @Series('number', 'Highest')
  windspeed!: (number | null)[];

  @Series('integer', 'WMO codes')
  weather_codes!: (number | null)[];
}

/** GET /api/weather/:date. */
@ApiSchema({
  name: 'DayWeather',
  description: "The day's highest apparent temperature, rain probability and wind speed",
})
export class WeatherDayJson extends BucketWeather {
  @ApiDate()
  date!: string;
}

/** GET /api/weather/by-time-of-day/:date. */
@ApiSchema({ name: 'DayWeatherByTimeOfDay' })
export class WeatherByTimeOfDayJson implements Record<TimeOfDay, BucketWeather> {
  @ApiDate()
  date!: string;

  @ApiProperty({ description: '05:00 to 11:59' })
  morning!: BucketWeather;

  @ApiProperty({ description: '12:00 to 16:59' })
  afternoon!: BucketWeather;

  @ApiProperty({ description: '17:00 to 20:59' })
  evening!: BucketWeather;
}

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
