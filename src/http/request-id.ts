import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

const SANE_REQUEST_ID = /^[\w.:@/+=-]{1,128}$/;

/**
 * The request's id (Fastify's `genReqId`): a sane client `X-Request-ID` is echoed, otherwise a new
 * UUID. Fastify keeps it as `request.id`; the access log and every log line of the request use it.
 */
export function requestIdFor(request: IncomingMessage): string {
  const sent = request.headers['x-request-id'];
  return typeof sent === 'string' && SANE_REQUEST_ID.test(sent) ? sent : randomUUID();
}
