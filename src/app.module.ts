import { DynamicModule, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { CalendarModule } from './calendar/calendar.module';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { HttpErrorFilter } from './common/http-error.filter';
import { LoggingModule } from './common/logging.module';
import { AppValidationPipe } from './common/validation';
import { loadConfig } from './config/configuration';
import { DatabaseModule } from './database/database.module';
import { HealthModule } from './health/health.module';
import { WeatherModule } from './weather/weather.module';
import { WorkoutsModule } from './workouts/workouts.module';

export type EnvOverrides = Record<string, string | undefined>;

@Module({})
export class AppModule {
  /** `env` overrides process.env (tests use it to point each app at its own database). */
  static forRoot(env: EnvOverrides = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot({
          isGlobal: true,
          ignoreEnvFile: process.env.NODE_ENV === 'test',
          load: [() => loadConfig({ ...process.env, ...env })],
        }),
        LoggingModule,
        DatabaseModule,
        HealthModule,
        WorkoutsModule,
        WeatherModule,
        CalendarModule,
      ],
      providers: [
        { provide: APP_PIPE, useClass: AppValidationPipe },
        { provide: APP_FILTER, useClass: HttpErrorFilter },
      ],
    };
  }
}
