import type Router from '@koa/router';
import type Koa from 'koa';

export interface ServedRoute {
  method: string;
  /** In OpenAPI form: the router's `:id` becomes `{id}`. */
  path: string;
}

const routersOf = new WeakMap<Koa, readonly Router[]>();

/** createApp records the routers it mounts, so a test can compare what is served with what is documented. */
export function recordRouters(app: Koa, routers: readonly Router[]): void {
  routersOf.set(app, routers);
}

/** Every method and path the app's routers answer (HEAD, which the router adds to each GET, is left out). */
export function servedRoutes(app: Koa): ServedRoute[] {
  const routes = new Map<string, ServedRoute>();
  for (const router of routersOf.get(app) ?? []) {
    for (const layer of router.stack) {
      const path = String(layer.path).replace(/:([A-Za-z0-9_]+)/g, '{$1}');
      for (const method of layer.methods) {
        if (method === 'HEAD') continue;
        routes.set(`${method} ${path}`, { method: method.toLowerCase(), path });
      }
    }
  }
  return [...routes.values()].sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method));
}
