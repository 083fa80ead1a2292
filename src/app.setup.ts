import fastifyCors from '@fastify/cors';
import fastifyEtag from '@fastify/etag';
import fastifyMultipart from '@fastify/multipart';
import { ConfigService } from '@nestjs/config';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger as NestPinoLogger } from 'nestjs-pino';
import type { DestinationStream, Logger } from 'pino';
import { AuthGate } from './auth/auth.gate';
import { isApiDocsRoute, serveApiDocs } from './http/api-docs';
import { drainAfterEarlyAnswer } from './http/body-drain';
import { registerBodyParsers } from './http/body-parsers';
import { AccessLog, createRootLogger, withRequestLogger } from './http/logging';
import { requestIdFor } from './http/request-id';
import { requestGate } from './http/request-gate';
import type { RoutePolicy } from './http/route-policy';
import { RouteTable } from './http/route-table';
import { corsOptions, securityHeaders } from './http/security';
import type { AppConfig } from './config/configuration';
import { GracefulShutdown } from './health/graceful-shutdown';
import { Metrics } from './metrics/metrics';
import { CSV_LIMIT_BYTES } from './workout-import/workout-import.controller';

export const JSON_BODY_LIMIT_BYTES = 1024 * 1024;
const PUBLIC: RoutePolicy = { public: true };

/** The HTTP server: Fastify, with the request ids, logs, proxies and limits of this API. */
export function createHttpAdapter(
  config: Pick<AppConfig, 'logLevel' | 'trustProxy'>,
  logDestination?: DestinationStream,
): FastifyAdapter {
  return new FastifyAdapter({
    bodyLimit: JSON_BODY_LIMIT_BYTES,
    genReqId: requestIdFor,
    requestIdHeader: false,
    loggerInstance: createRootLogger(config.logLevel, logDestination),
    logController: new AccessLog(),
    routerOptions: { ignoreTrailingSlash: true },
    // `request.ip` is the client's address behind the proxies TRUST_PROXY names.
    trustProxy: config.trustProxy,
    // While shutting down, requests on open connections are still served (and told to close
    // the connection); only /api/health says 503. See GracefulShutdown.
    return503OnClosing: false,
  });
}

/** Everything main.ts and the e2e specs both need on the app before it serves. */
export async function configureApp(app: NestFastifyApplication): Promise<NestFastifyApplication> {
  const config = app.get(ConfigService<AppConfig, true>);
  const web = {
    nodeEnv: config.get('nodeEnv', { infer: true }),
    corsOrigins: config.get('corsOrigins', { infer: true }),
    frontendDir: config.get('frontendDir', { infer: true }),
  };
  const fastify = app.getHttpAdapter().getInstance();
  app.useLogger(app.get(NestPinoLogger));
  app.setGlobalPrefix('api');

  // Routes are registered at init, after this: each gets its policy's body limit, and the
  // route table learns it for 405 answers. The API document's routes are SwaggerModule's, not
  // controllers': no decorator can make them public, so their path does.
  const routes = app.get(RouteTable);
  fastify.addHook('onRoute', (route) => {
    if (isApiDocsRoute(route.url)) route.config = { ...route.config, ...PUBLIC };
    const policy = route.config as RoutePolicy | undefined;
    if (policy?.bodyLimit) route.bodyLimit = policy.bodyLimit;
    routes.add(route.method, route.url);
  });
  // Every response carries the security headers and the request id; and Nest's Logger writes
  // through this request's logger while it is handled.
  const headers = securityHeaders(web);
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.headers(headers).header('X-Request-ID', request.id);
    withRequestLogger(request.log as Logger, done);
  });
  const shutdown = app.get(GracefulShutdown);
  fastify.addHook('onSend', (_request, reply, payload, done) => {
    if (shutdown.shuttingDown) void reply.header('Connection', 'close');
    done(null, payload);
  });
  // An answer given before its body has all arrived (401, 413, 415, ...) keeps the connection
  // while the rest is read and dropped, so that the client gets it; closed after that when
  // shutting down.
  fastify.addHook(
    'onSend',
    drainAfterEarlyAnswer(() => shutdown.shuttingDown),
  );
  const cors = corsOptions(web);
  if (cors) await app.register(fastifyCors, cors);
  await app.register(fastifyEtag, { weak: true });
  registerBodyParsers(fastify);
  await app.register(fastifyMultipart, { limits: { fileSize: CSV_LIMIT_BYTES, files: 1 } });
  fastify.addHook('preParsing', requestGate(app.get(AuthGate)));
  if (config.get('metricsToken', { infer: true }) !== null) {
    const metrics = app.get(Metrics);
    fastify.addHook('onResponse', (request, reply, done) => {
      metrics.recordResponse(
        request.method,
        request.routeOptions.url,
        reply.statusCode,
        reply.elapsedTime,
        request.failure,
      );
      done();
    });
  }
  serveApiDocs(app);
  return app;
}
