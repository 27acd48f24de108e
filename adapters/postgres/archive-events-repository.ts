import QueryStream from 'pg-query-stream';
import type { ArchiveLine, RowKey } from '../../domain/archive-row';
import { assertTenant, type TenantTx } from './tenant-transaction';

/** What one archive covers: events before the cutoff that were received by the snapshot boundary. */
export interface ArchiveScope {
  beforeDate: string;
  snapshotAt: string;
}

/**
 * RFC 3339 in UTC with every fractional digit PostgreSQL keeps: milliseconds when that is all
 * there is (the API's own form), else microseconds. The text is the row's exact key.
 */
const RFC3339 = (column: string) =>
  `CASE WHEN extract(microseconds FROM ${column})::bigint % 1000 = 0
        THEN to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
        ELSE to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') END`;

// One archived line per row, built by PostgreSQL: every column in table order, then seq (the
// event's place in the tamper-evident log, so archives stay verifiable), as the API returns an event. Node only moves the text, so the stream allocates little per row.
const ARCHIVE_LINE = `row_to_json(j)::text`;
const ARCHIVE_RECORD = `SELECT l.id, l.tenant_id, ${RFC3339('l.received_at')} AS received_at, l.action, l.severity, l.user_id, l.session_id,
  l.resource, l.resource_id, l.message, host(l.ip_address) AS ip_address, l.user_agent, l.before_state, l.after_state, l.metadata,
  ${RFC3339('l.event_timestamp')} AS event_timestamp, l.event_id,
  (SELECT i.seq FROM integrity_leaves i WHERE i.tenant_id = l.tenant_id AND i.log_id = l.id) AS seq`;

const IN_SCOPE = 'tenant_id = $1 AND event_timestamp < $2::timestamptz AND received_at <= $3::timestamptz';
const IN_SCOPE_L = 'l.tenant_id = $1 AND l.event_timestamp < $2::timestamptz AND l.received_at <= $3::timestamptz';

/** Before the first row of an archive: no event is this old and no uuid sorts lower. */
const ORIGIN: RowKey = { event_timestamp: '-infinity', id: '00000000-0000-0000-0000-000000000000' };

const STREAM_BATCH_ROWS = 500;

export function archiveEventsRepository(tx: TenantTx) {
  return {
    async count(tenantId: string, scope: ArchiveScope): Promise<number> {
      assertTenant(tx, tenantId);
      const result = await tx.client.query<{ n: number }>(`SELECT count(*) AS n FROM logs WHERE ${IN_SCOPE}`, [tenantId, scope.beforeDate, scope.snapshotAt]);
      return result.rows[0]?.n ?? 0;
    },

    /**
     * Streams at most `limit` archive lines in scope after `after`, in `(event_timestamp, id)`
     * order, through a server-side cursor: a batch of rows in memory at a time, and one statement
     * snapshot for the part. The redundant `event_timestamp >=` bound lets PostgreSQL skip the
     * partitions the keyset has passed.
     */
    stream(tenantId: string, scope: ArchiveScope, after: RowKey | undefined, limit: number): AsyncIterable<ArchiveLine> {
      assertTenant(tx, tenantId);
      const from = after ?? ORIGIN;
      const query = new QueryStream(
        `SELECT j.event_timestamp, j.id, ${ARCHIVE_LINE} AS line
           FROM logs l CROSS JOIN LATERAL (${ARCHIVE_RECORD}) j
          WHERE ${IN_SCOPE_L} AND l.event_timestamp >= $4::timestamptz AND (l.event_timestamp, l.id) > ($4::timestamptz, $5::uuid)
          ORDER BY l.event_timestamp, l.id
          LIMIT $6`,
        [tenantId, scope.beforeDate, scope.snapshotAt, from.event_timestamp, from.id, limit],
        { batchSize: STREAM_BATCH_ROWS, highWaterMark: STREAM_BATCH_ROWS },
      );
      return tx.client.query(query) as AsyncIterable<ArchiveLine>;
    },
  };
}
