import type { LogTimeRange } from './logs-key-order';
import { assertTenant, type TenantTx } from './tenant-transaction';

const IN_RANGE = 'tenant_id = $1 AND event_timestamp >= $2::timestamptz AND event_timestamp < $3::timestamptz';
const bounds = (range: LogTimeRange) => [range.from ?? '-infinity', range.to ?? 'infinity'];

/** The tenant's rows counted per UTC day, and the ids of one span: what reconciliation compares with the index. */
export function logDayCounts(tx: TenantTx) {
  return {
    /** Rows per UTC day (key: the day's start in epoch milliseconds); days without rows are absent. */
    async perDay(tenantId: string, range: LogTimeRange): Promise<Map<number, number>> {
      assertTenant(tx, tenantId);
      const result = await tx.client.query<{ day: string; n: string }>(
        `SELECT (extract(epoch FROM date_trunc('day', event_timestamp, 'UTC')) * 1000)::bigint AS day, count(*)::bigint AS n
           FROM logs WHERE ${IN_RANGE} GROUP BY 1`,
        [tenantId, ...bounds(range)],
      );
      return new Map(result.rows.map((row) => [Number(row.day), Number(row.n)]));
    },

    async idsIn(tenantId: string, span: Required<LogTimeRange>): Promise<Set<string>> {
      assertTenant(tx, tenantId);
      const result = await tx.client.query<{ id: string }>(`SELECT id::text AS id FROM logs WHERE ${IN_RANGE}`, [tenantId, span.from, span.to]);
      return new Set(result.rows.map((row) => row.id));
    },
  };
}
