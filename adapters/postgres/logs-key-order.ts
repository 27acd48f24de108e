import { coveringRange, type EventTimeRange } from '../../domain/event-time-range';
import { EVENT_TEXT_BYTES } from './logs-repository';
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
  /** The page's rows in key order: their ids and the characters of their events' JSON (EVENT_TEXT_BYTES). */
  rows: { id: string; bytes: number }[];
  /** The key of the last row, where the next page starts; null for an empty page. */
  last: LogKey | null;
  /** The event times the page spans (whole milliseconds around them): reads of its ids look only in those partitions. */
  span: EventTimeRange | null;
}

const IN_RANGE = `tenant_id = $1 AND event_timestamp >= $2::timestamptz AND event_timestamp < $3::timestamptz`;
const bounds = (range: LogTimeRange) => [range.from ?? '-infinity', range.to ?? 'infinity'];

/**
 * Reads a tenant's keys in key order, one bounded page per call, with each event's size: the caller
 * reads the events themselves in parts it can hold (a page of 1,000 events at the API's limits is
 * ~56 MB of text).
 */
export function logsKeyOrder(tx: TenantTx) {
  return {
    async page(tenantId: string, range: LogTimeRange, after: LogKey | null, limit: number): Promise<LogKeyPage> {
      assertTenant(tx, tenantId);
      const params: unknown[] = [tenantId, ...bounds(range), limit];
      const afterClause = after ? 'AND (event_timestamp, id) > ($5::timestamptz, $6::uuid)' : '';
      if (after) params.push(after.eventTimestamp, after.id);
      const result = await tx.client.query<{ id: string; bytes: number; key_timestamp: string }>(
        `SELECT id::text AS id, ${EVENT_TEXT_BYTES}::int AS bytes, to_json(event_timestamp) #>> '{}' AS key_timestamp
           FROM logs WHERE ${IN_RANGE} ${afterClause}
          ORDER BY event_timestamp, id LIMIT $4`,
        params,
      );
      const lastRow = result.rows[result.rows.length - 1];
      return {
        rows: result.rows.map(({ id, bytes }) => ({ id, bytes })),
        last: lastRow ? { eventTimestamp: lastRow.key_timestamp, id: lastRow.id } : null,
        span: coveringRange(result.rows.map((row) => Date.parse(row.key_timestamp))),
      };
    },

    async count(tenantId: string, range: LogTimeRange): Promise<number> {
      assertTenant(tx, tenantId);
      const result = await tx.client.query<{ n: number }>(`SELECT count(*)::bigint AS n FROM logs WHERE ${IN_RANGE}`, [tenantId, ...bounds(range)]);
      return result.rows[0]?.n ?? 0;
    },
  };
}
