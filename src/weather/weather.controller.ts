import { Controller, Get, Param, Query } from '@nestjs/common';
import { WeatherDatePipe } from './weather-date.pipe';
import { WeatherService } from './weather.service';

@Controller('weather')
export class WeatherController {
  constructor(private readonly weather: WeatherService) {}

  @Get()
  range(
    @Query('start_date', WeatherDatePipe) startDate?: string,
    @Query('end_date', WeatherDatePipe) endDate?: string,
  ) {
    return this.weather.range(startDate, endDate);
  }

  @Get('by-time-of-day/:date')
  byTimeOfDay(@Param('date', WeatherDatePipe) date: string) {
    return this.weather.byTimeOfDay(date);
  }

  @Get(':date')
  day(@Param('date', WeatherDatePipe) date: string) {
    return this.weather.day(date);
  }
}
