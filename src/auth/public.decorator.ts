import { RoutePolicy } from '../common/route-policy';

/**
 * Opens a route to requests without a login token. A method decorator only: the policy travels
 * with the route, where the request gate reads it before the body is read.
 */
export const Public = (): MethodDecorator => RoutePolicy({ public: true });
