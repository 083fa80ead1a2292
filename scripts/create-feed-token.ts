import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { AppModule } from '../src/app.module';
import { CalendarFeedTokensService } from '../src/calendar/calendar-feed-tokens.service';

/**
 * `npm run feed-token`: creates a new iCalendar feed token (the previous one stops working) and
 * prints it alone on the last line, so scripts can take `tail -n 1`.
 */
async function main(): Promise<void> {
  const app = await NestFactory.createApplicationContext(AppModule.forRoot({ LOG_LEVEL: 'warn' }), {
    logger: ['error', 'warn'],
  });
  try {
    const token = await app.get(CalendarFeedTokensService).rotate();
    console.log('New calendar feed token (the previous one no longer works).');
    console.log('Subscribe to: <server>/api/calendar.ics?token=<token>');
    console.log(token);
  } finally {
    await app.close();
  }
}

main().catch((error: unknown) => {
  console.error('create-feed-token failed:', error instanceof Error ? error.message : error);
  process.exit(1);
});
