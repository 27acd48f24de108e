import type { LeanOpenSearchClient } from './lean-opensearch-client';
import type { LogEvent } from '../../domain/log-event';
import type { LogFilter, SortOrder } from '../../domain/log-filter';
import { readTarget } from './restored-copies';
import type { SortPosition } from './search-cursor';

/** OpenSearch's index.max_result_window: `page` paging stops here, the cursor does not. */
export const MAX_PAGED_RESULTS = 10_000;
/** Totals are exact up to this many matches, then reported as a lower bound ("gte"). */
export const TOTAL_HITS_BOUND = 100_000;

export type LogSearchRequest = {
  filter: LogFilter;
  sort: SortOrder;
  pageSize: number;
} & ({ page: number; after?: undefined } | { after: SortPosition; page?: undefined });

export interface LogSearchResult {
  total: number;
  totalRelation: 'eq' | 'gte';
  items: LogEvent[];
  /** Where the next page starts; undefined on the last page. */
  next: SortPosition | undefined;
}

interface Hit {
  _source: LogEvent;
  sort: SortPosition;
}

interface SearchBody {
  hits: { total: { value: number; relation: 'eq' | 'gte' }; hits: Hit[] };
}

export function createLogSearch(client: LeanOpenSearchClient, index: string) {
  return {
    /**
     * One page of the tenant's events. Sorting on (event_timestamp, id) is a total order, so
     * `search_after` on the last hit is a keyset that continues at any depth, statelessly.
     */
    async search(tenantId: string, request: LogSearchRequest): Promise<LogSearchResult> {
      const { pageSize, sort } = request;
      const from = request.after ? 0 : (request.page - 1) * pageSize;
      // Cursor pages ask for one extra hit to learn whether another page exists; numbered pages
      // learn it from the total, which is exact far past the paging window.
      const size = request.after ? pageSize + 1 : Math.min(pageSize, MAX_PAGED_RESULTS - from);
      const target = readTarget(index, tenantId, request.filter);
      const response = await client.search({
        index: target.index,
        routing: tenantId,
        ignore_unavailable: target.ignoreUnavailable,
        body: {
          query: target.query,
          sort: [{ event_timestamp: { order: sort } }, { id: { order: sort } }],
          size,
          ...(request.after ? { search_after: request.after } : { from }),
          track_total_hits: TOTAL_HITS_BOUND,
          _source: { excludes: target.sourceExcludes },
        } as never,
      });
      const body = response.body as unknown as SearchBody;
      const hits = body.hits.hits.slice(0, pageSize);
      const total = body.hits.total;
      const more = request.after ? body.hits.hits.length > pageSize : total.value > from + hits.length;
      const last = hits[hits.length - 1];
      return {
        total: total.value,
        totalRelation: total.relation,
        items: hits.map((hit) => hit._source),
        next: more && last ? last.sort : undefined,
      };
    },
  };
}

export type LogSearch = ReturnType<typeof createLogSearch>;
