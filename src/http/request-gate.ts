import { UnsupportedMediaTypeException } from '@nestjs/common';
import type { FastifyReply, FastifyRequest, RequestPayload } from 'fastify';
import type { IncomingHttpHeaders } from 'node:http';
import { JSON_BODY_TYPES, mediaTypeOf, RoutePolicy } from './route-policy';

export interface Authenticator {
  /** The user id of the request's credentials, or a 401 error. */
  authenticate(authorization: string | undefined): Promise<number>;
}

const carriesBody = (headers: IncomingHttpHeaders) =>
  headers['transfer-encoding'] !== undefined ||
  (headers['content-length'] !== undefined && headers['content-length'] !== '0');

/**
 * Fastify preParsing hook: what a route's policy demands is checked before a byte of the body
 * is read. A private route answers 401 first; then a body of a type the route does not take is
 * 415 (JSON routes take only application/json). Unmatched paths and files outside /api pass.
 */
export function requestGate(auth: Authenticator) {
  return async function gate(
    request: FastifyRequest,
    _reply: FastifyReply,
    payload: RequestPayload,
  ): Promise<RequestPayload> {
    const { url, config } = request.routeOptions;
    if (url === undefined || !url.startsWith('/api/')) return payload;
    const policy = config as RoutePolicy;
    if (!policy.public) request.userId = await auth.authenticate(request.headers.authorization);
    if (carriesBody(request.headers)) {
      const accepted = policy.bodyTypes ?? JSON_BODY_TYPES;
      if (!accepted.includes(mediaTypeOf(request.headers['content-type']))) {
        throw new UnsupportedMediaTypeException(`Content-Type must be ${accepted.join(' or ')}`);
      }
    }
    return payload;
  };
}
