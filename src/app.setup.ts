import { ConfigService } from '@nestjs/config';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { json, text } from 'express';
import { Logger } from 'nestjs-pino';
import { bodyParserErrors } from './common/body-parsers';
import { requestIdMiddleware } from './common/request-id';
import { corsOptions, securityHeaders } from './common/security';
import type { AppConfig } from './config/configuration';

export const JSON_BODY_LIMIT = '1mb';
export const CSV_BODY_LIMIT = '10mb';

/** Everything main.ts and the e2e specs both need on the app before it serves. */
export function configureApp(app: NestExpressApplication): NestExpressApplication {
  const config = app.get(ConfigService<AppConfig, true>);
  const web = {
    nodeEnv: config.get('nodeEnv', { infer: true }),
    corsOrigins: config.get('corsOrigins', { infer: true }),
    frontendDir: config.get('frontendDir', { infer: true }),
  };
  app.useLogger(app.get(Logger));
  app.setGlobalPrefix('api');
  app.use(requestIdMiddleware);
  app.use(securityHeaders(web));
  const cors = corsOptions(web);
  if (cors) app.enableCors(cors);
  app.use(json({ limit: JSON_BODY_LIMIT }));
  // Only the import route takes raw CSV, and it may be larger than a JSON body.
  app.use('/api/workouts/import', text({ type: 'text/csv', limit: CSV_BODY_LIMIT }));
  app.use(bodyParserErrors);
  app.enableShutdownHooks();
  app.disable('x-powered-by');
  return app;
}
