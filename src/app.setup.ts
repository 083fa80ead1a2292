import type { NestExpressApplication } from '@nestjs/platform-express';
import { json } from 'express';
import { Logger } from 'nestjs-pino';
import { bodyParserErrors } from './common/body-parsers';
import { requestIdMiddleware } from './common/request-id';

export const JSON_BODY_LIMIT = '1mb';

/** Everything main.ts and the e2e specs both need on the app before it serves. */
export function configureApp(app: NestExpressApplication): NestExpressApplication {
  app.useLogger(app.get(Logger));
  app.setGlobalPrefix('api');
  app.use(requestIdMiddleware);
  app.use(json({ limit: JSON_BODY_LIMIT }));
  app.use(bodyParserErrors);
  app.enableShutdownHooks();
  app.disable('x-powered-by');
  return app;
}
