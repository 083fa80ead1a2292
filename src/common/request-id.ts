import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

const SANE_REQUEST_ID = /^[\w.:@/+=-]{1,128}$/;

type RequestWithId = IncomingMessage & { id?: string };

/**
 * The request's id: a sane client `X-Request-ID` is echoed, otherwise a new UUID. Set once, as the
 * first middleware, so even a request refused by the body parser answers with the header.
 */
export function requestIdFor(request: RequestWithId, response: ServerResponse): string {
  if (request.id) return request.id;
  const sent = request.headers['x-request-id'];
  const id = typeof sent === 'string' && SANE_REQUEST_ID.test(sent) ? sent : randomUUID();
  request.id = id;
  response.setHeader('X-Request-ID', id);
  return id;
}

export function requestIdMiddleware(
  request: RequestWithId,
  response: ServerResponse,
  next: () => void,
): void {
  requestIdFor(request, response);
  next();
}
