import type { Middleware } from 'koa';
import { problems } from '../problem';

interface MatchedLayer {
  methods: string[];
}

/**
 * After the routers: a path that exists but not for this method gets 405 with an Allow header
 * listing the methods it does serve (any method, including ones the router does not know), and
 * OPTIONS gets 204 with the same Allow. A path that does not exist falls through to 404.
 */
export function methodGuard(): Middleware {
  return async (ctx, next) => {
    await next();
    if (ctx.status !== 404 || ctx.body !== undefined) return;
    const matched = (ctx as { matched?: MatchedLayer[] }).matched ?? [];
    const allowed = [...new Set(matched.flatMap((layer) => layer.methods))];
    if (allowed.length === 0 || allowed.includes(ctx.method)) return;
    if (ctx.method === 'OPTIONS') {
      ctx.status = 204;
      ctx.set('Allow', [...allowed, 'OPTIONS'].join(', '));
      return;
    }
    throw problems.methodNotAllowed(allowed.join(', '));
  };
}
