import type { Context, Middleware } from 'koa';
import type { Logger } from '../../platform/observability/logger';
import type { ApiMetrics } from '../../platform/observability/metrics';

export interface ObserveDeps {
  logger: Logger;
  metrics: Pick<ApiMetrics, 'httpDuration' | 'ingestRejected'>;
  /** Route templates (e.g. `/api/v1/logs`) whose POSTs ingest events: their 4xx count as rejected ingests. */
  ingestRoutes: ReadonlySet<string>;
}

interface MatchedLayer {
  path: unknown;
  methods: string[];
}

/**
 * The template of the route that served this method and path, never the raw path (which would
 * explode label cardinality). The router's `_matchedRoute` names the last layer that ran, which is
 * a prefix middleware when that middleware (e.g. authentication) refused the request: then the
 * first route in registration order that matches, the one that would have served it, is named.
 */
function routeOf(ctx: Context): string {
  const matched = (ctx as { matched?: MatchedLayer[] }).matched ?? [];
  const routes = matched.filter((layer) => layer.methods.includes(ctx.method));
  const ran = (ctx as { _matchedRoute?: unknown })._matchedRoute;
  const route = routes.find((layer) => layer.path === ran) ?? routes[0];
  return route ? String(route.path) : 'unmatched';
}

/**
 * One JSON log line and one latency observation per request, when the response has been sent (or
 * the client went away), so streamed responses are measured whole. Logs name the request id,
 * method, route, path without its query string, status, duration and tenant — never headers,
 * query strings or tokens.
 */
export function observeRequests(deps: ObserveDeps): Middleware {
  return async (ctx, next) => {
    const started = process.hrtime.bigint();
    let observed = false;
    const observe = () => {
      if (observed) return;
      observed = true;
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const aborted = !ctx.res.writableFinished;
      const status = aborted ? 499 : ctx.status;
      const route = routeOf(ctx);
      deps.metrics.httpDuration.observe({ method: ctx.method, route, status: String(status) }, seconds);
      if (ctx.method === 'POST' && deps.ingestRoutes.has(route) && status >= 400 && status < 500) {
        deps.metrics.ingestRejected.inc({ route, status: String(status) });
      }
      deps.logger.info(
        {
          request_id: ctx.state.requestId,
          method: ctx.method,
          route,
          path: ctx.path,
          status,
          duration_ms: Math.round(seconds * 10_000) / 10,
          tenant_id: ctx.state.tenantId,
          sub: ctx.state.principal?.sub,
          ...(aborted ? { aborted: true } : {}),
        },
        'request',
      );
    };
    ctx.res.once('finish', observe);
    ctx.res.once('close', observe);
    await next();
  };
}
