import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { LoggerModule } from 'nestjs-pino';
import type { AppConfig } from '../config/configuration';

/**
 * Structured logs (pino). Every line written while a request is handled carries its `reqId`;
 * one access line per request. Bodies are never logged, and credentials are redacted.
 */
@Module({
  imports: [
    LoggerModule.forRootAsync({
      inject: [ConfigService],
      useFactory: (config: ConfigService<AppConfig, true>) => ({
        pinoHttp: {
          level: config.get('logLevel', { infer: true }),
          // Fastify made the id (genReqId: requestIdFor); middie copies it onto the raw request.
          genReqId: (req) => req.id,
          customAttributeKeys: { reqId: 'reqId' },
          redact: {
            paths: ['req.headers.authorization', 'req.headers.cookie', 'req.query.token'],
            censor: '[redacted]',
          },
          serializers: {
            req: (req: { id: string; method: string; url: string }) => ({
              id: req.id,
              method: req.method,
              url: req.url.replace(/([?&]token=)[^&]*/, '$1[redacted]'),
            }),
            // The status is what an access line needs; every security header on every line was
            // most of the log volume.
            res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
          },
          customLogLevel: (_req, res, error) =>
            error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
        },
      }),
    }),
  ],
})
export class LoggingModule {}
