import { applyDecorators } from '@nestjs/common';
import { FASTIFY_ROUTE_CONFIG_METADATA } from '@nestjs/platform-fastify/constants';
import { ApiNoLoginToken } from './openapi';

/**
 * What a route lets in before its handler runs, kept in the Fastify route's `config` so that
 * request hooks can act on it before the body is read: whether a login token is needed, which
 * body media types are accepted, and how large a body may be.
 */
export interface RoutePolicy {
  /** No login token needed (every other `/api` route needs one). */
  public?: boolean;
  /** Accepted body media types; JSON routes (the default) take `application/json` only. */
  bodyTypes?: string[];
  /** Largest body in bytes, when not the server's 1 MiB. */
  bodyLimit?: number;
}

export const JSON_BODY_TYPES = ['application/json'];

/** Merges into the route config rather than replacing it, so the decorators below combine. */
export function RoutePolicy(policy: RoutePolicy): MethodDecorator {
  return (_target, _key, descriptor) => {
    const handler = descriptor.value as object;
    const current = (Reflect.getMetadata(FASTIFY_ROUTE_CONFIG_METADATA, handler) ??
      {}) as RoutePolicy;
    Reflect.defineMetadata(FASTIFY_ROUTE_CONFIG_METADATA, { ...current, ...policy }, handler);
  };
}

/**
 * Opens a route to requests without a login token. A method decorator only: the policy travels
 * with the route, where the request gate reads it before the body is read; the API document
 * says the same (`security: []`).
 */
export const Public = (): MethodDecorator =>
  applyDecorators(RoutePolicy({ public: true }), ApiNoLoginToken());

/** A route taking bodies other than JSON (e.g. a CSV upload), up to `limit` bytes. */
export const AcceptsBody = (types: string[], limit?: number): MethodDecorator =>
  RoutePolicy({ bodyTypes: types, bodyLimit: limit });

/** The media type of a Content-Type header, without parameters, lower-cased. */
export function mediaTypeOf(contentType: string | undefined): string {
  if (!contentType) return '';
  const semicolon = contentType.indexOf(';');
  return (semicolon < 0 ? contentType : contentType.slice(0, semicolon)).trim().toLowerCase();
}
