import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ApiErrors, ErrorStatus } from '../http/openapi';
import { WeatherDatePipe } from './weather-date.pipe';
import { WeatherByTimeOfDayJson, WeatherDayJson, WeatherRangeJson } from './weather.presenter';
import { WeatherService } from './weather.service';

const DATE = { type: 'string', format: 'date' } as const;
const UNAVAILABLE: [ErrorStatus, string] = [
  503,
  'Beyond the forecast range, or the forecast service failed',
];

@ApiTags('weather')
@Controller('weather')
export class WeatherController {
  constructor(private readonly weather: WeatherService) {}

  @Get()
  @ApiOperation({ summary: 'Daily forecasts of a date range (up to 16 days ahead)' })
  @ApiQuery({ name: 'start_date', required: false, schema: DATE, description: 'Default: today' })
  @ApiQuery({ name: 'end_date', required: false, schema: DATE, description: 'Default: +7 days' })
  @ApiOkResponse({ type: WeatherRangeJson })
  @ApiErrors(400, UNAVAILABLE)
  range(
    @Query('start_date', WeatherDatePipe) startDate?: string,
    @Query('end_date', WeatherDatePipe) endDate?: string,
  ) {
    return this.weather.range(startDate, endDate);
  }

  @Get('by-time-of-day/:date')
  @ApiOperation({ summary: "A day's forecast by morning, afternoon, evening (7 days ahead)" })
  @ApiParam({ name: 'date', schema: DATE })
  @ApiOkResponse({ type: WeatherByTimeOfDayJson })
  @ApiErrors(400, UNAVAILABLE)
  byTimeOfDay(@Param('date', WeatherDatePipe) date: string) {
    return this.weather.byTimeOfDay(date);
  }

  @Get(':date')
  @ApiOperation({ summary: "A day's forecast (16 days ahead)" })
  @ApiParam({ name: 'date', schema: DATE })
  @ApiOkResponse({ type: WeatherDayJson })
  @ApiErrors(400, UNAVAILABLE)
  day(@Param('date', WeatherDatePipe) date: string) {
    return this.weather.day(date);
  }
}
