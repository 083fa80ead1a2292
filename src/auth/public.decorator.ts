import { applyDecorators } from '@nestjs/common';
import { ApiNoLoginToken } from '../common/openapi';
import { RoutePolicy } from '../common/route-policy';

/**
 * Opens a route to requests without a login token. A method decorator only: the policy travels
 * with the route, where the request gate reads it before the body is read; the API document
 * says the same (`security: []`).
 */
export const Public = (): MethodDecorator =>
  applyDecorators(RoutePolicy({ public: true }), ApiNoLoginToken());
