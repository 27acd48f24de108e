import type { LogEvent } from '../../domain/log-event';
import { SELECT_COLUMNS, toLogEvent, type LogRow } from './logs-repository';
import { assertTenant, type TenantTx } from './tenant-transaction';

/**
 * A row's position in `(event_timestamp, id)` order. The timestamp is PostgreSQL's own RFC 3339
 * text with every microsecond it keeps: a JavaScript Date would round it to milliseconds and a
 * resumed keyset could then skip or repeat rows.
 */
export interface LogKey {
  eventTimestamp: string;
  id: string;
}

/** A half-open time range; absent ends are unbounded. */
export interface LogTimeRange {
  from?: string;
  to?: string;
}

export interface LogKeyPage {
  events: LogEvent[];
  /** The key of the last row, where the next page starts; null for an empty page. */
  last: LogKey | null;
}

const IN_RANGE = `tenant_id = $1 AND event_timestamp >= $2::timestamptz AND event_timestamp < $3::timestamptz`;
const bounds = (range: LogTimeRange) => [range.from ?? '-infinity', range.to ?? 'infinity'];

/** Reads a tenant's events in key order, one bounded page per call, so a caller's memory stays flat. */
export function logsKeyOrder(tx: TenantTx) {
  return {
    async page(tenantId: string, range: LogTimeRange, after: LogKey | null, limit: number): Promise<LogKeyPage> {
      assertTenant(tx, tenantId);
      const params: unknown[] = [tenantId, ...bounds(range), limit];
      const afterClause = after ? 'AND (event_timestamp, id) > ($5::timestamptz, $6::uuid)' : '';
      if (after) params.push(after.eventTimestamp, after.id);
      const result = await tx.client.query<LogRow & { key_timestamp: string }>(
        `SELECT ${SELECT_COLUMNS}, to_json(event_timestamp) #>> '{}' AS key_timestamp
           FROM logs WHERE ${IN_RANGE} ${afterClause}
          ORDER BY event_timestamp, id LIMIT $4`,
        params,
      );
      const lastRow = result.rows[result.rows.length - 1];
      return {
        events: result.rows.map(({ key_timestamp: _key, ...row }) => toLogEvent(row)),
        last: lastRow ? { eventTimestamp: lastRow.key_timestamp, id: lastRow.id } : null,
      };
    },

    async count(tenantId: string, range: LogTimeRange): Promise<number> {
      assertTenant(tx, tenantId);
      const result = await tx.client.query<{ n: number }>(`SELECT count(*)::bigint AS n FROM logs WHERE ${IN_RANGE}`, [tenantId, ...bounds(range)]);
      return result.rows[0]?.n ?? 0;
    },
  };
}
