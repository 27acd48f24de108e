import type { LeanOpenSearchClient } from './lean-opensearch-client';
import type { LogFilter } from '../../domain/log-filter';
import { readTarget } from './restored-copies';
import { alignDown, bucketStarts, type StatsInterval } from './stats-buckets';

export const STATS_GROUP_FIELDS = ['severity', 'action', 'resource', 'user_id'] as const;
export type StatsGroupField = (typeof STATS_GROUP_FIELDS)[number];

/** `top` and each bucket's `groups` hold this many of their largest keys. */
export const TOP_KEYS = 10;

export interface StatsRequest {
  /** With start_time and end_time always set: the route applies the default range. */
  filter: LogFilter & { start_time: string; end_time: string };
  interval: StatsInterval;
  groupBy: StatsGroupField;
}

export interface StatsBucket {
  start: string;
  count: number;
  groups: Record<string, number>;
}

export interface StatsResult {
  total: number;
  buckets: StatsBucket[];
  top: { key: string; count: number }[];
}

interface TermsAgg {
  buckets: { key: string; doc_count: number }[];
}

interface StatsBody {
  hits: { total: { value: number } };
  aggregations: {
    over_time: { buckets: { key: number; doc_count: number; groups: TermsAgg }[] };
    top: TermsAgg;
  };
}

const INTERVAL_EXPRESSION: Record<StatsInterval, string> = { minute: '1m', hour: '1h', day: '1d' };

/**
 * Statistics come from OpenSearch aggregations, chosen by measurement (ops/bench/stats-engines.ts,
 * results in ops/bench/results/stats-engines.md): over 300k events, 30 days by day took ~10-20 ms here
 * against ~280-670 ms for a PostgreSQL GROUP BY, 7 days by hour ~15-35 ms against ~170-235 ms;
 * PostgreSQL only won on a tiny index-selective slice. OpenSearch is also the only engine that
 * applies `q` with the same meaning as search. Routing and the tenant clause keep it on one shard.
 */
export function createLogStats(client: LeanOpenSearchClient, index: string) {
  return {
    async stats(tenantId: string, request: StatsRequest): Promise<StatsResult> {
      const { filter, interval, groupBy } = request;
      const startMs = Date.parse(filter.start_time);
      const endMs = Date.parse(filter.end_time);
      // end_time is exclusive: an empty range holds no event and no bucket.
      if (startMs >= endMs) return { total: 0, buckets: [], top: [] };
      const starts = bucketStarts(startMs, endMs, interval);
      const target = readTarget(index, tenantId, filter);
      const response = await client.search({
        index: target.index,
        routing: tenantId,
        ignore_unavailable: target.ignoreUnavailable,
        body: {
          size: 0,
          track_total_hits: true,
          query: target.query,
          aggs: {
            over_time: {
              date_histogram: {
                field: 'event_timestamp',
                fixed_interval: INTERVAL_EXPRESSION[interval],
                time_zone: 'UTC',
                min_doc_count: 0,
                extended_bounds: { min: alignDown(startMs, interval), max: starts[starts.length - 1] },
              },
              aggs: { groups: { terms: { field: groupBy, size: TOP_KEYS } } },
            },
            top: { terms: { field: groupBy, size: TOP_KEYS } },
          },
        } as never,
      });
      const body = response.body as unknown as StatsBody;
      const byStart = new Map(body.aggregations.over_time.buckets.map((b) => [b.key, b]));
      return {
        total: body.hits.total.value,
        buckets: starts.map((at) => {
          const bucket = byStart.get(at);
          return {
            start: new Date(at).toISOString(),
            count: bucket?.doc_count ?? 0,
            groups: Object.fromEntries((bucket?.groups.buckets ?? []).map((g) => [g.key, g.doc_count])),
          };
        }),
        top: body.aggregations.top.buckets.map((b) => ({ key: b.key, count: b.doc_count })),
      };
    },
  };
}

export type LogStats = ReturnType<typeof createLogStats>;
