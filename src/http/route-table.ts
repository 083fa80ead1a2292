import { Injectable } from '@nestjs/common';
import Router from 'find-my-way';

export interface RegisteredRoute {
  method: string;
  url: string;
}

const noop = () => undefined;

/**
 * The `/api` routes Fastify registered (fed by its onRoute hook), matched with the same router
 * library Fastify uses: the error filter asks which methods a path has, to answer 405 with
 * `Allow` where Fastify itself would only say 404.
 */
@Injectable()
export class RouteTable {
  private readonly router = Router({ ignoreTrailingSlash: true });
  private readonly registered = new Map<string, RegisteredRoute>();
  private readonly methods = new Set<Router.HTTPMethod>();

  add(methods: string | string[], url: string): void {
    // Plugin wildcards (CORS preflight `*`) match every path: not routes of the API.
    if (!url.startsWith('/api/') || url.includes('*')) return;
    for (const method of Array.isArray(methods) ? methods : [methods]) {
      const key = `${method} ${url}`;
      if (this.registered.has(key)) continue;
      this.registered.set(key, { method, url });
      this.router.on(method as Router.HTTPMethod, url, noop);
      this.methods.add(method as Router.HTTPMethod);
    }
  }

  /** The methods some route answers on `path` (HEAD where GET is), sorted. */
  allowedMethods(path: string): string[] {
    const allowed = new Set<string>();
    for (const method of this.methods) {
      if (this.router.find(method, path)) allowed.add(method);
    }
    if (allowed.has('GET')) allowed.add('HEAD');
    return [...allowed].sort();
  }

  /** Every registered route, in registration order. */
  routes(): RegisteredRoute[] {
    return [...this.registered.values()];
  }
}
