import type Router from '@koa/router';
import type { Middleware } from 'koa';
import { problems } from '../problem';

/**
 * The methods served at a path. Where a concrete route and a templated one both match (`/logs/bulk`
 * and `/logs/{id}`), the concrete one owns the path, as in OpenAPI: `/logs/bulk` serves POST only,
 * and GET there is not a read of a log called "bulk".
 */
function methodsAt(routers: readonly Router[], path: string): string[] {
  const routes = routers.flatMap((router) => router.match(path, 'GET').path).filter((layer) => layer.methods.length > 0);
  const concrete = routes.filter((layer) => layer.paramNames.length === 0);
  return [...new Set((concrete.length > 0 ? concrete : routes).flatMap((layer) => layer.methods))];
}

/**
 * Before the routers: a path that exists but not for this method gets 405 with an Allow header
 * listing exactly the methods it serves (any method, including ones the router does not know), and
 * OPTIONS gets 204 with the same Allow. A path that does not exist falls through to 404.
 */
export function methodGuard(routers: readonly Router[]): Middleware {
  return async (ctx, next) => {
    const allowed = methodsAt(routers, ctx.path);
    if (allowed.length === 0 || allowed.includes(ctx.method)) return next();
    if (ctx.method === 'OPTIONS') {
      ctx.status = 204;
      ctx.set('Allow', [...allowed, 'OPTIONS'].join(', '));
      return;
    }
    throw problems.methodNotAllowed(allowed.join(', '));
  };
}
