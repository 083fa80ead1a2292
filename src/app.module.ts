import { DynamicModule, Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { ServeStaticModule } from '@nestjs/serve-static';
import { resolve } from 'node:path';
import { CalendarModule } from './calendar/calendar.module';
import { BackupModule } from './backup/backup.module';
import { AuthModule } from './auth/auth.module';
import { HttpModule } from './http/http.module';
import { MetricsModule } from './metrics/metrics.module';
import { configModule } from './config/config.module';
import { AppConfig, Env } from './config/configuration';
import { DatabaseModule } from './database/database.module';
import { HealthModule } from './health/health.module';
import { SelectionsModule } from './selections/selections.module';
import { ScheduleModule } from './schedule/schedule.module';
import { StatsModule } from './stats/stats.module';
import { WorkoutImportModule } from './workout-import/workout-import.module';
import { WeatherModule } from './weather/weather.module';
import { WorkoutsModule } from './workouts/workouts.module';

@Module({})
export class AppModule {
  /**
   * `env` is the whole environment the app reads, nothing merged in: the entry points pass
   * process.env, the specs an environment of their own that the shell cannot change.
   */
  static forRoot(env: Env): DynamicModule {
    return {
      module: AppModule,
      imports: [
        configModule(env),
        HttpModule,
        MetricsModule,
        DatabaseModule.forRoot('requests'),
        HealthModule,
        AuthModule,
        WorkoutsModule,
        SelectionsModule,
        WorkoutImportModule,
        StatsModule,
        ScheduleModule,
        ServeStaticModule.forRootAsync({
          inject: [ConfigService],
          useFactory: (config: ConfigService<AppConfig, true>) => {
            const dir = config.get('frontendDir', { infer: true });
            // renderPath '/': index.html for `/` only, files by path (one route per file of the
            // build); /api is never rendered. The loader's own `/` route serves index.html:
            // @fastify/static must not declare `/` too (`index: false`), and the loader answers
            // 404 there unless `fallthrough` is set.
            return dir
              ? [
                  {
                    rootPath: resolve(dir),
                    renderPath: '/',
                    serveStaticOptions: { fallthrough: true, index: false },
                  },
                ]
              : [];
          },
        }),
        WeatherModule,
        CalendarModule,
        BackupModule,
      ],
    };
  }
}
