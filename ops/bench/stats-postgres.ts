import type { Pool } from 'pg';
import { withTenantTx } from '../../adapters/postgres/tenant-transaction';
import { tenantFilterSql } from '../../features/export/filter-sql';
import { TOP_KEYS, type StatsRequest, type StatsResult } from '../../adapters/opensearch/log-stats';
import { bucketStarts } from '../../adapters/opensearch/stats-buckets';

const PG_INTERVAL = { minute: '1 minute', hour: '1 hour', day: '1 day' } as const;

const largest = (counts: Map<string, number>) =>
  [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, TOP_KEYS);

/** The PostgreSQL candidate for stats: one GROUP BY (bucket, key) over the range, reduced in JS. */
export async function postgresStats(pool: Pool, tenantId: string, request: StatsRequest): Promise<StatsResult> {
  const { q: _q, ...filter } = request.filter;
  const condition = tenantFilterSql(tenantId, filter);
  const rows = await withTenantTx(pool, tenantId, async (tx) => {
    const result = await tx.client.query<{ bucket: Date; key: string | null; n: number }>(
      `SELECT date_bin($${condition.values.length + 1}::interval, event_timestamp, TIMESTAMPTZ '1970-01-01 00:00:00Z') AS bucket,
              ${request.groupBy} AS key, count(*)::int AS n
         FROM logs WHERE ${condition.where} GROUP BY 1, 2`,
      [...condition.values, PG_INTERVAL[request.interval]],
    );
    return result.rows;
  });
  const perBucket = new Map<number, Map<string, number>>();
  const counts = new Map<number, number>();
  const overall = new Map<string, number>();
  let total = 0;
  for (const row of rows) {
    const at = row.bucket.getTime();
    total += row.n;
    counts.set(at, (counts.get(at) ?? 0) + row.n);
    if (row.key === null) continue;
    const groups = perBucket.get(at) ?? new Map<string, number>();
    groups.set(row.key, row.n);
    perBucket.set(at, groups);
    overall.set(row.key, (overall.get(row.key) ?? 0) + row.n);
  }
  const starts = bucketStarts(Date.parse(request.filter.start_time), Date.parse(request.filter.end_time), request.interval);
  return {
    total,
    buckets: starts.map((at) => ({
      start: new Date(at).toISOString(),
      count: counts.get(at) ?? 0,
      groups: Object.fromEntries(largest(perBucket.get(at) ?? new Map())),
    })),
    top: largest(overall).map(([key, count]) => ({ key, count })),
  };
}
