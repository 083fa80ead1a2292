import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { Server } from 'node:http';
import request, { Response } from 'supertest';

type Schema = Record<string, unknown>;

export interface OpenApiOperation {
  security?: unknown[];
  parameters?: { name: string; in: string; schema?: Schema }[];
  requestBody?: { content: Record<string, { schema?: Schema }> };
  responses: Record<string, { content?: Record<string, { schema?: Schema }> }>;
}

export interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, OpenApiOperation>>;
  components: { schemas: Record<string, Schema> };
}

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head', 'trace'];

const DOCUMENT_ID = 'openapi.json';

/**
 * OpenAPI 3.0 schemas as the JSON Schema Ajv reads: `nullable: true` becomes "or null" (Ajv's
 * own `nullable` needs a `type` beside it, which a `$ref` has not), and references point into
 * the document's schemas, added to Ajv under DOCUMENT_ID.
 */
function toJsonSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (node === null || typeof node !== 'object') return node;
  const { nullable, ...rest } = node as Schema;
  const schema = Object.fromEntries(
    Object.entries(rest).map(([key, value]) =>
      key === '$ref' && typeof value === 'string'
        ? [key, value.replace('#/components/schemas/', `${DOCUMENT_ID}#/$defs/`)]
        : [key, toJsonSchema(value)],
    ),
  );
  return nullable === true ? { anyOf: [schema, { type: 'null' }] } : schema;
}

const templatePattern = (template: string) =>
  new RegExp(`^${template.replace(/[.]/g, '\\.').replace(/\{[^}]+\}/g, '[^/]+')}$`);

/**
 * The API document as the server serves it, and a check that a response is one it documents:
 * its method and path, its status, its media type, and its body against the schema (strictly:
 * Ajv in strict mode, closed schemas refuse unknown keys).
 */
export class ApiDocument {
  private readonly ajv = new Ajv({ strict: true, allErrors: true });
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(readonly document: OpenApiDocument) {
    addFormats(this.ajv);
    this.ajv.addVocabulary(['example']); // an OpenAPI annotation
    const $defs = Object.fromEntries(
      Object.entries(document.components.schemas).map(([name, schema]) => [
        name,
        toJsonSchema(schema),
      ]),
    );
    this.ajv.addSchema({ $id: DOCUMENT_ID, $defs });
    // Every schema must compile, not only those a test happens to meet.
    for (const name of Object.keys($defs)) this.ajv.getSchema(`${DOCUMENT_ID}#/$defs/${name}`);
  }

  static async fetch(server: Server): Promise<ApiDocument> {
    const res = await request(server).get('/api/openapi.json').expect(200);
    return new ApiDocument(res.body as OpenApiDocument);
  }

  /** Every documented operation: `GET /api/workouts/{id}`, … */
  operations(): { method: string; path: string; operation: OpenApiOperation }[] {
    return Object.entries(this.document.paths).flatMap(([path, item]) =>
      HTTP_METHODS.filter((method) => item[method]).map((method) => ({
        method: method.toUpperCase(),
        path,
        operation: item[method],
      })),
    );
  }

  /** The documented path a concrete one matches; a literal segment wins over a parameter. */
  templateOf(method: string, path: string): string | undefined {
    const candidates = Object.keys(this.document.paths)
      .filter((template) => this.document.paths[template][method.toLowerCase()])
      .filter((template) => templatePattern(template).test(path));
    const params = (template: string) => (template.match(/\{/g) ?? []).length;
    return candidates.sort((a, b) => params(a) - params(b))[0];
  }

  /** Fails unless the document describes this response. Use as supertest's `.expect(doc.check)`. */
  readonly check = (res: Response): void => {
    const method = res.request.method;
    const path = new URL(res.request.url).pathname;
    const what = `${method} ${path} ${res.status}`;
    const template = this.templateOf(method, path);
    if (!template) throw new Error(`${method} ${path} is not in the API document`);
    const documented = this.document.paths[template][method.toLowerCase()].responses;
    const response = documented[String(res.status)];
    if (!response) {
      throw new Error(`${what}: status not documented (${Object.keys(documented).join(', ')})`);
    }
    const mediaType = (res.headers['content-type'] ?? '').split(';')[0].trim();
    const content = response.content?.[mediaType];
    if (!content?.schema) {
      throw new Error(`${what}: no schema for ${mediaType || 'no content type'} in the document`);
    }
    const validate = this.validatorFor(`${template} ${method} ${res.status} ${mediaType}`, content);
    const body: unknown = mediaType === 'application/json' ? res.body : res.text;
    if (!validate(body)) {
      throw new Error(
        `${what}: the body does not match the documented schema:\n` +
          (validate.errors ?? [])
            .map((e) => `${e.instancePath || '(body)'} ${e.message} ${JSON.stringify(e.params)}\n`)
            .join('') +
          JSON.stringify(body, null, 2).slice(0, 2000),
      );
    }
  };

  private validatorFor(key: string, content: { schema?: Schema }): ValidateFunction {
    let validate = this.validators.get(key);
    if (!validate) {
      validate = this.ajv.compile(toJsonSchema(content.schema) as Schema);
      this.validators.set(key, validate);
    }
    return validate;
  }
}
