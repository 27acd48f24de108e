import Router from '@koa/router';
import { Type } from '@sinclair/typebox';
import type { LogStats } from '../../adapters/opensearch/log-stats';
import { allowRoles } from '../middleware/authenticate';
import type { RouteDoc } from '../openapi/route-doc';
import { parseStatsQuery, resolveStats, StatsQuerySchema } from '../queries/stats-query';
import { LOG_READERS } from '../../domain/auth';
import type { ReadAudit } from '../../features/read-audit/read-audit';
import { READ_SCOPE_NOTE, resolveReadScope, UNRECORDED_READ } from '../read-scope';
import type { TenantLookup } from '../tenant-scope';

export interface StatsRouteDeps {
  stats: LogStats;
  tenants: TenantLookup;
  audit: ReadAudit;
}

const StatsResponseSchema = Type.Object({
  start_time: Type.String({ format: 'date-time' }),
  end_time: Type.String({ format: 'date-time' }),
  interval: Type.String(),
  total: Type.Integer({ minimum: 0, description: 'Events matching the filters in [start_time, end_time).' }),
  buckets: Type.Array(
    Type.Object({
      start: Type.String({ format: 'date-time', description: 'UTC-aligned start; the first bucket may begin before start_time.' }),
      count: Type.Integer({ minimum: 0 }),
      groups: Type.Record(Type.String(), Type.Integer(), {
        description: "Counts of the bucket's 10 largest group_by keys; events without a value for group_by count only in `count`.",
      }),
    }),
    { description: 'Every bucket of the range, empty ones included, oldest first.' },
  ),
  top: Type.Array(Type.Object({ key: Type.String(), count: Type.Integer() }), { description: 'The 10 largest group_by keys in the range.' }),
});

export function statsRoutes(deps: StatsRouteDeps): Router {
  const router = new Router();

  router.get('/logs/stats', allowRoles(...LOG_READERS), async (ctx) => {
    const scope = await resolveReadScope(ctx, deps);
    const resolved = resolveStats(parseStatsQuery(ctx.query), new Date());
    const request = { ...resolved, filter: scope.narrow(resolved.filter) };
    const result = await deps.stats.stats(scope.tenantId, request);
    await scope.record({ endpoint: 'GET /logs/stats', filters: request.filter, resultCount: result.total, effective: request.filter });
    ctx.body = { start_time: request.filter.start_time, end_time: request.filter.end_time, interval: request.interval, ...result };
  });

  return router;
}

export const statsRouteDocs: RouteDoc[] = [
  {
    method: 'get',
    path: '/api/v1/logs/stats',
    summary: 'Event counts over time, grouped, with the top keys',
    description: `The range defaults to the last 24 hours; at most 5,000 buckets (422 naming start_time, end_time and interval beyond). ${READ_SCOPE_NOTE}`,
    tags: ['logs'],
    roles: [...LOG_READERS],
    query: StatsQuerySchema,
    responses: {
      200: { description: 'Buckets and top keys.', schema: StatsResponseSchema },
      400: { description: 'Unknown query parameter.' },
      422: { description: 'Invalid filter values or too many buckets, each named by its path.' },
      503: UNRECORDED_READ,
    },
  },
];
