import { keyOf, type RowKey } from '../../domain/archive-row';
import { copyJsonLines, inlineSqlCondition } from './inline-literals';
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

/** The archive's scope over `logs l`: $1 the tenant, $2 the cutoff, $3 the snapshot boundary. */
const IN_SCOPE = 'l.tenant_id = $1::uuid AND l.event_timestamp < $2::timestamptz AND l.received_at <= $3::timestamptz';

/** Before the first row of an archive: no event is this old and no uuid sorts lower. */
const ORIGIN: RowKey = { event_timestamp: '-infinity', id: '00000000-0000-0000-0000-000000000000' };

export function archiveEventsRepository(tx: TenantTx) {
  return {
    async count(tenantId: string, scope: ArchiveScope): Promise<number> {
      assertTenant(tx, tenantId);
      const result = await tx.client.query<{ n: number }>(`SELECT count(*) AS n FROM logs l WHERE ${IN_SCOPE}`, [tenantId, scope.beforeDate, scope.snapshotAt]);
      return result.rows[0]?.n ?? 0;
    },
  };
}

/**
 * At most `limit` archive lines in scope after `after`, in `(event_timestamp, id)` order, as one
 * `COPY ... TO STDOUT` (run it with openTenantCopyOut): PostgreSQL builds and sends the lines while
 * the reader compresses and uploads the ones before, where a cursor's fetches would take turns with
 * it; one statement snapshot for the part. COPY takes no parameters, so the values go in as
 * quoted literals (inlineSqlCondition), in the same scope condition count() binds. The redundant `event_timestamp >=` bound lets PostgreSQL skip the
 * partitions the keyset has passed.
 */
export function archiveLinesCopy(tenantId: string, scope: ArchiveScope, after: RowKey | undefined, limit: number): string {
  if (!Number.isSafeInteger(limit) || limit < 1) throw new RangeError(`an archive part holds at least one row (asked for ${limit})`);
  const from = after ?? ORIGIN;
  const where = inlineSqlCondition({
    where: `${IN_SCOPE} AND l.event_timestamp >= $4::timestamptz AND (l.event_timestamp, l.id) > ($4::timestamptz, $5::uuid)`,
    values: [tenantId, scope.beforeDate, scope.snapshotAt, from.event_timestamp, from.id],
  });
  if (where === undefined) throw new RangeError('an archive scope or key holds a NUL character');
  return copyJsonLines(`SELECT ${ARCHIVE_LINE} FROM logs l CROSS JOIN LATERAL (${ARCHIVE_RECORD}) j WHERE ${where} ORDER BY l.event_timestamp, l.id LIMIT ${limit}`);
}

/** The row an archive line holds, named by its key (the line's own `event_timestamp` text, exact to the microsecond, and `id`). */
export const archiveLineKey = (line: string): RowKey => keyOf(JSON.parse(line) as RowKey);
