import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { ApiDate } from '../http/openapi';
import type { BucketWeather, TimeOfDay } from './weather-buckets';

const Series = (type: 'number' | 'integer', description?: string) =>
  ApiProperty({ type: 'array', items: { type, nullable: true }, description });

/** One slot's weather (also one day's, in WeatherDayJson). */
@ApiSchema({
  name: 'SlotWeather',
  description:
    "The slot's hours: mean temperature and wind speed, highest rain probability, most " +
    'frequent code; all null ("No data") when the forecast has no hour in the slot',
})
export class SlotWeatherJson implements BucketWeather {
  @ApiProperty({ type: Number, nullable: true, description: 'Apparent temperature' })
  temperature!: number | null;

  @ApiProperty({ type: Number, nullable: true, description: '%' })
  rain_probability!: number | null;

  @ApiProperty({ type: Number, nullable: true })
  windspeed!: number | null;

  @ApiProperty({ type: 'integer', nullable: true, description: 'WMO weather code' })
  weather_code!: number | null;

  @ApiProperty({ example: 'Partly cloudy' })
  description!: string;
}

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
export class WeatherDayJson extends SlotWeatherJson {
  @ApiDate()
  date!: string;
}

/** GET /api/weather/by-time-of-day/:date. */
@ApiSchema({ name: 'DayWeatherByTimeOfDay' })
export class WeatherByTimeOfDayJson implements Record<TimeOfDay, SlotWeatherJson> {
  @ApiDate()
  date!: string;

  @ApiProperty({ description: '05:00 to 11:59' })
  morning!: SlotWeatherJson;

  @ApiProperty({ description: '12:00 to 16:59' })
  afternoon!: SlotWeatherJson;

  @ApiProperty({ description: '17:00 to 20:59' })
  evening!: SlotWeatherJson;
}
