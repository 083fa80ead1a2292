import type { INestApplication } from '@nestjs/common';
import {
  DocumentBuilder,
  getSchemaPath,
  OpenAPIObject,
  OperationObject,
  PathItemObject,
  SchemaObject,
  SwaggerModule,
} from '@nestjs/swagger';
import { ErrorJson } from './http.presenter';
import { errorResponse } from './openapi';

/** Where the document and its UI are served; both public. */
export const OPENAPI_JSON_PATH = '/api/openapi.json';
export const API_DOCS_PATH = '/api/docs';

/** The routes SwaggerModule registers for the document and the UI (and the UI's files). */
export const isApiDocsRoute = (url: string): boolean =>
  url === OPENAPI_JSON_PATH || url === API_DOCS_PATH || url.startsWith(`${API_DOCS_PATH}/`);

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head', 'trace'] as const;

function operationsOf(document: OpenAPIObject): OperationObject[] {
  return Object.values(document.paths).flatMap((item: PathItemObject) =>
    METHODS.flatMap((method) => (item[method] ? [item[method]] : [])),
  );
}

/**
 * The OpenAPI document, from the controllers' and DTOs' decorators. Three rules hold for every
 * operation or schema, and are applied here rather than on each handler, as the code applies
 * them in one place too:
 * - the request gate's: every route needs the login token unless it is `@Public()` (which sets
 *   `security: []`), and answers 401 without one;
 * - the error filter's: any route may answer 500;
 * - the ValidationPipe's (unknown body keys are refused) and the presenters' (they build each
 *   key): no schema has keys beyond its properties.
 */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('workout-planner-api')
    .setDescription(
      'The HTTP API of the workout planner. Errors answer `{"error": "..."}`; every answer ' +
        'carries `X-Request-ID`. Dates are `YYYY-MM-DD`, timestamps ISO 8601 UTC; string ' +
        'lengths count Unicode code points.',
    )
    .setVersion('1')
    .addBearerAuth({
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT',
      description: 'The token of POST /api/auth/login',
    })
    .addBearerAuth(
      { type: 'http', scheme: 'bearer', description: 'METRICS_TOKEN, for GET /api/metrics only' },
      'metrics',
    )
    .addSecurityRequirements('bearer')
    .addGlobalResponse(errorResponse(500))
    .build();
  const document = SwaggerModule.createDocument(app, config, { extraModels: [ErrorJson] });

  for (const operation of operationsOf(document)) {
    if (operation.security === undefined) {
      operation.responses[401] ??= {
        description: errorResponse(401).description,
        content: { 'application/json': { schema: { $ref: getSchemaPath(ErrorJson) } } },
      };
    }
  }
  for (const schema of Object.values(document.components?.schemas ?? {})) {
    if ('properties' in schema) schema.additionalProperties ??= false;
  }
  document.paths[OPENAPI_JSON_PATH] = docsRoute('This document', 'application/json', {
    type: 'object',
    required: ['openapi', 'info', 'paths'],
    properties: {
      openapi: { type: 'string', pattern: '^3\\.' },
      info: { type: 'object' },
      paths: { type: 'object' },
    },
  });
  document.paths[API_DOCS_PATH] = docsRoute('The document in Swagger UI', 'text/html', {
    type: 'string',
  });
  return document;
}

function docsRoute(summary: string, mediaType: string, schema: SchemaObject): PathItemObject {
  return {
    get: {
      tags: ['docs'],
      summary,
      operationId: `docs_${mediaType.split('/')[1]}`,
      security: [],
      responses: { 200: { description: summary, content: { [mediaType]: { schema } } } },
    },
  };
}

/**
 * Serves the document at /api/openapi.json and Swagger UI at /api/docs, built on the first
 * request. The routes are Fastify's own, not Nest's: app.setup marks them public.
 */
export function serveApiDocs(app: INestApplication): void {
  SwaggerModule.setup('docs', app, () => buildOpenApiDocument(app), {
    useGlobalPrefix: true,
    jsonDocumentUrl: 'openapi.json',
    raw: ['json'],
    customSiteTitle: 'workout-planner-api',
    swaggerOptions: { validatorUrl: null },
  });
}
