import { BadRequestException } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';

/** Deep enough for any body of this API (all are flat objects); a deeper one is refused. */
export const MAX_JSON_DEPTH = 16;

/** Keys that would reach an object's prototype machinery once the body is turned into a DTO. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * JSON.parse plus the checks it lacks: no prototype keys at any depth, and a bounded depth, so
 * nothing downstream (class-transformer recurses) can be pushed over the stack. An empty body is
 * no body, as before.
 */
export function parseStrictJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new BadRequestException('Request body is not valid JSON');
  }
  // Iterative: a body of thousands of nested arrays must not overflow our own stack either.
  const pending: [unknown, number][] = [[value, 1]];
  while (pending.length > 0) {
    const [node, depth] = pending.pop() as [unknown, number];
    if (node === null || typeof node !== 'object') continue;
    if (depth > MAX_JSON_DEPTH) {
      throw new BadRequestException(`Request body is nested deeper than ${MAX_JSON_DEPTH} levels`);
    }
    if (Array.isArray(node)) {
      for (const item of node) pending.push([item, depth + 1]);
      continue;
    }
    for (const key of Object.keys(node)) {
      if (FORBIDDEN_KEYS.has(key)) {
        throw new BadRequestException(`Request body must not contain the key "${key}"`);
      }
      pending.push([(node as Record<string, unknown>)[key], depth + 1]);
    }
  }
  return value;
}

/**
 * Fastify's own parsers (lenient JSON, text/plain) are replaced: JSON goes through
 * parseStrictJson, and CSV uploads arrive as strictly decoded UTF-8 text. Which route takes which
 * type is the request gate's decision (route policy), made before any body is read.
 */
export function registerBodyParsers(fastify: FastifyInstance): void {
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser(
    'application/json',
    { parseAs: 'string' },
    (_request, body, done) => {
      try {
        done(null, parseStrictJson(body as string));
      } catch (error) {
        done(error as Error, undefined);
      }
    },
  );
  fastify.addContentTypeParser('text/csv', { parseAs: 'buffer' }, (_request, body, done) => {
    try {
      done(null, utf8.decode(body as Buffer));
    } catch {
      done(new BadRequestException('CSV data is not valid UTF-8'), undefined);
    }
  });
}
