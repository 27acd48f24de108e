import Router from '@koa/router';
import { Type } from '@sinclair/typebox';
import type { LogSearch } from '../../adapters/opensearch/log-search';
import type { CursorCodec } from '../../adapters/opensearch/search-cursor';
import { LOG_READERS } from '../../domain/auth';
import { allowRoles } from '../middleware/authenticate';
import { LogEventSchema } from '../openapi/log-event-schema';
import type { RouteDoc } from '../openapi/route-doc';
import { parseSearchQuery, resolveSearch, SearchQuerySchema } from '../queries/search-query';
import type { ReadAudit } from '../../features/read-audit/read-audit';
import { READ_SCOPE_NOTE, resolveReadScope, UNRECORDED_READ } from '../read-scope';
import type { TenantLookup } from '../tenant-scope';

export interface SearchRouteDeps {
  search: LogSearch;
  cursors: CursorCodec;
  tenants: TenantLookup;
  audit: ReadAudit;
  /** Each sealed event's seq, read from PostgreSQL (search documents are written before sealing). */
  seqsOf: (tenantId: string, logIds: readonly string[]) => Promise<Map<string, number>>;
}

const SearchResponseSchema = Type.Object({
  total: Type.Integer({ minimum: 0 }),
  total_relation: Type.Unsafe<'eq' | 'gte'>({ type: 'string', enum: ['eq', 'gte'], description: '"gte" when total is a lower bound.' }),
  items: Type.Array(LogEventSchema),
  page: Type.Integer({ minimum: 1 }),
  page_size: Type.Integer({ minimum: 1 }),
  next_cursor: Type.Union([Type.String(), Type.Null()], { description: 'Continues after this page; null on the last page.' }),
});

export function searchRoutes(deps: SearchRouteDeps): Router {
  const router = new Router();

  router.get('/logs', allowRoles(...LOG_READERS), async (ctx) => {
    const scope = await resolveReadScope(ctx, deps);
    const { tenantId } = scope;
    const query = parseSearchQuery(ctx.query);
    const { request, page } = resolveSearch(tenantId, query, ctx.query, deps.cursors);
    // The cursor carries the request's own filter; every page is narrowed again, whoever presents it.
    const effective = scope.narrow(request.filter);
    const result = await deps.search.search(tenantId, { ...request, filter: effective });
    const { filter, sort, pageSize } = request;
    // Independent round trips, so neither waits for the other; the read is still recorded (committed) before the answer.
    const [seqs] = await Promise.all([
      deps.seqsOf(tenantId, result.items.map((item) => item.id)),
      scope.record({ endpoint: 'GET /logs', filters: effective, resultCount: result.items.length, effective }),
    ]);
    ctx.body = {
      total: result.total,
      total_relation: result.totalRelation,
      items: result.items.map((item) => ({ ...item, seq: seqs.get(item.id) ?? (item as { seq?: number | null }).seq ?? null })),
      page,
      page_size: pageSize,
      next_cursor: result.next ? deps.cursors.encode({ tenantId, filter, sort, pageSize, page: page + 1, after: result.next }) : null,
    };
  });

  return router;
}

export const searchRouteDocs: RouteDoc[] = [
  {
    method: 'get',
    path: '/api/v1/logs',
    summary: 'Search log events',
    description:
      'Filters combine with AND. Page with page/page_size up to 10,000 results, or follow next_cursor to any depth; ' +
      'a cursor is signed and bound to its tenant and query (400 if altered, foreign, or combined with different filters). ' +
      READ_SCOPE_NOTE,
    tags: ['logs'],
    roles: [...LOG_READERS],
    query: SearchQuerySchema,
    responses: {
      200: { description: 'A page of matching events.', schema: SearchResponseSchema },
      400: { description: 'Unknown query parameter, or a cursor that is invalid, foreign or used with different filters.' },
      422: { description: 'Invalid filter values, each named by its path.' },
      503: UNRECORDED_READ,
    },
  },
];
