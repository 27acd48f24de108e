import type { DayTally } from '../../domain/day-tally';
import type { LogTimeRange } from './logs-key-order';
import { assertTenant, type TenantTx } from './tenant-transaction';

const IN_RANGE = 'tenant_id = $1 AND event_timestamp >= $2::timestamptz AND event_timestamp < $3::timestamptz';
const bounds = (range: LogTimeRange) => [range.from ?? '-infinity', range.to ?? 'infinity'];
/** One 24-bit piece of an id's last twelve hex digits, as `DayTally` defines it. */
const idPiece = (fromDigit: number) => `('x' || substr(id::text, ${fromDigit}, 6))::bit(24)::int`;

/** The tenant's rows counted per UTC day, and the ids of one span: what reconciliation compares with the index. */
export function logDayCounts(tx: TenantTx) {
  return {
    /** The tally of each UTC day's rows (key: the day's start in epoch milliseconds); days without rows are absent. */
    async perDay(tenantId: string, range: LogTimeRange): Promise<Map<number, DayTally>> {
      assertTenant(tx, tenantId);
      const result = await tx.client.query<{ day: string; n: string; low: string; high: string }>(
        `SELECT (extract(epoch FROM date_trunc('day', event_timestamp, 'UTC')) * 1000)::bigint AS day, count(*)::bigint AS n,
                sum(${idPiece(25)})::bigint AS low, sum(${idPiece(31)})::bigint AS high
           FROM logs WHERE ${IN_RANGE} GROUP BY 1`,
        [tenantId, ...bounds(range)],
      );
      return new Map(result.rows.map((row) => [Number(row.day), { count: Number(row.n), lowSum: Number(row.low), highSum: Number(row.high) }]));
    },

    async idsIn(tenantId: string, span: Required<LogTimeRange>): Promise<Set<string>> {
      assertTenant(tx, tenantId);
      const result = await tx.client.query<{ id: string }>(`SELECT id::text AS id FROM logs WHERE ${IN_RANGE}`, [tenantId, span.from, span.to]);
      return new Set(result.rows.map((row) => row.id));
    },
  };
}
