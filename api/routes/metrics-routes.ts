import Router from '@koa/router';
import { Type } from '@sinclair/typebox';
import type { MetricsExposition } from '../../platform/observability/cluster-metrics';
import type { RouteDoc } from '../openapi/route-doc';

/**
 * GET /metrics in the Prometheus text format. Unauthenticated like /healthz, for scrapers; it holds
 * only aggregates (no tenant ids), and deployments keep it off the public ingress. Several API processes
 * on one port answer with their sum.
 */
export function metricsRoutes(exposition: () => Promise<MetricsExposition>): Router {
  const router = new Router();
  router.get('/metrics', async (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    const { contentType, text } = await exposition();
    ctx.type = contentType;
    ctx.body = text;
  });
  return router;
}

export const metricsRouteDocs: RouteDoc[] = [
  {
    method: 'get',
    path: '/metrics',
    summary: 'Prometheus metrics',
    description:
      'Request latency by route template and status, ingest counters, rate limiting, queue depths of every task queue ' +
      'and its dead-letter queue, and unfinished tasks by type and status (read at scrape time, each source bounded to 2 s).',
    tags: ['operations'],
    responses: { 200: { description: 'Prometheus text exposition format.', contentType: 'text/plain', schema: Type.String() } },
  },
];
