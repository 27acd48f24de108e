import type { EventTimeRange } from '../../domain/event-time-range';
import type { EventColumnTexts } from '../../domain/integrity/event-column-texts';
import type { LogEvent, NewLogRow } from '../../domain/log-event';
import { newEventsJson } from '../../domain/new-events-json';
import { isUuid } from '../../domain/uuid-text';
import { assertTenant, type TenantTx } from './tenant-transaction';

export interface EventIdClaim {
  event_id: string;
  log_id: string;
  event_timestamp: Date;
  received_at: Date;
  content_sha256: Buffer;
}

export const SELECT_COLUMNS = `id, tenant_id, received_at, action, severity, user_id, session_id, resource, resource_id,
  message, host(ip_address) AS ip_address, user_agent, before_state, after_state, metadata, event_timestamp, event_id`;

/**
 * The columns of EVENT_COLUMN_FIELDS in that order, each instant as its epoch milliseconds rounded
 * down as pg's own timestamp parser rounds: right for any year, where formatting in SQL is not.
 */
const COLUMN_TEXTS = `id, tenant_id, floor(extract(epoch FROM received_at) * 1000), action, severity, user_id, session_id,
  resource, resource_id, message, host(ip_address), user_agent, before_state, after_state, metadata,
  floor(extract(epoch FROM event_timestamp) * 1000), event_id`;

const asText = (value: string) => value;

/** The tenant's rows among `ids`, only in the partitions `within` spans when given (else every one). */
function byIdsQuery(columns: string, tenantId: string, ids: readonly string[], within: readonly EventTimeRange[]): { text: string; values: unknown[] } {
  const values: unknown[] = [tenantId, ids];
  const bounds = within.map(({ from, to }) => {
    values.push(from, to);
    return `event_timestamp BETWEEN $${values.length - 1} AND $${values.length}`;
  });
  return { text: `SELECT ${columns} FROM logs WHERE tenant_id = $1 AND id = ANY($2::uuid[])${bounds.length > 0 ? ` AND (${bounds.join(' OR ')})` : ''}`, values };
}

/**
 * A JSON column's size as text, about: its stored size when PostgreSQL keeps it uncompressed (as it
 * does every value under ~2 KB: reading the header costs nothing), its length as text when
 * compressed, since 16 KiB of one repeated character is stored in a few hundred bytes and still
 * parses into 16 KiB. (Converting every value to text cost a verify 30% of its time.)
 */
const jsonTextBytes = (column: string) => `CASE WHEN pg_column_compression(${column}) IS NULL THEN pg_column_size(${column}) ELSE octet_length(${column}::text) END`;

/**
 * About how many characters an event's JSON takes, from its row: the lengths of its text columns
 * (from their headers, nothing decompressed) and of its JSON columns (jsonTextBytes), plus a margin
 * for the short fields and the JSON around them.
 */
export const EVENT_TEXT_BYTES = `(256 + coalesce(octet_length(action), 0) + coalesce(octet_length(message), 0)
  + coalesce(octet_length(user_agent), 0) + coalesce(octet_length(resource), 0) + coalesce(octet_length(resource_id), 0)
  + coalesce(octet_length(user_id), 0) + coalesce(octet_length(session_id), 0) + coalesce(octet_length(event_id), 0)
  + coalesce(${jsonTextBytes('metadata')}, 0) + coalesce(${jsonTextBytes('before_state')}, 0) + coalesce(${jsonTextBytes('after_state')}, 0))`;

export type LogRow = Omit<LogEvent, 'received_at' | 'event_timestamp'> & { received_at: Date; event_timestamp: Date };

export function toLogEvent(row: LogRow): LogEvent {
  return { ...row, received_at: row.received_at.toISOString(), event_timestamp: row.event_timestamp.toISOString() };
}

export function logsRepository(tx: TenantTx) {
  /**
   * insertMany of `count` rows already serialised by newEventsJson (the ingest path publishes the
   * same text to the live stream). The rows travel as that one JSON parameter and PostgreSQL
   * expands it: one value to encode and bind, where one array per column cost the API more than
   * the rest of the request. Both statements are prepared once per connection (named): planning
   * an insert into the partitioned, six-index `logs` table cost PostgreSQL more than running it
   * (pgbench, this transaction with 4 clients: 1,530-1,620 tx/s unprepared, 2,420-2,590 prepared).
   */
  async function insertSerialized(tenantId: string, count: number, eventsJson: string): Promise<number | undefined> {
    assertTenant(tx, tenantId);
    if (count === 0) return undefined;
    const reserved = await tx.client.query<{ last_position: string }>({
      name: 'ingest-reserve-positions',
      text: `INSERT INTO log_positions AS p (tenant_id, last_position) VALUES ($1, $2)
       ON CONFLICT (tenant_id) DO UPDATE SET last_position = p.last_position + $2
       RETURNING p.last_position`,
      values: [tenantId, count],
    });
    const first = Number(reserved.rows[0]?.last_position) - count + 1;
    const inserted = await tx.client.query({
      name: 'ingest-insert-logs',
      text: `INSERT INTO logs (id, tenant_id, received_at, action, severity, user_id, session_id, resource, resource_id,
                         message, ip_address, user_agent, before_state, after_state, metadata, event_timestamp, event_id, position)
       SELECT id, $1::uuid, received_at, action, severity, user_id, session_id, resource, resource_id,
              message, ip_address, user_agent, before_state, after_state, metadata, event_timestamp, event_id,
              $3::bigint + ordinality - 1
         FROM ROWS FROM (json_to_recordset($2::json) AS (
                id uuid, received_at timestamptz, action text, severity text, user_id text, session_id text, resource text,
                resource_id text, message text, ip_address inet, user_agent text, before_state jsonb, after_state jsonb,
                metadata jsonb, event_timestamp timestamptz, event_id text))
              WITH ORDINALITY
           AS r(id, received_at, action, severity, user_id, session_id, resource, resource_id,
                message, ip_address, user_agent, before_state, after_state, metadata, event_timestamp, event_id, ordinality)`,
      values: [tenantId, eventsJson, first],
    });
    // Positions were taken for `count` rows: any other number would leave a hole a resumed stream waits on.
    if (inserted.rowCount !== count) throw new Error(`inserted ${inserted.rowCount} rows of ${count}`);
    return first;
  }

  return {
    /**
     * Inserts rows in one statement at consecutive positions of the tenant's commit order, and
     * returns the first one (undefined for no rows). Taking positions locks the tenant's counter
     * until commit (migration 095), so call this last in the transaction.
     */
    async insertMany(tenantId: string, rows: readonly NewLogRow[]): Promise<number | undefined> {
      return insertSerialized(tenantId, rows.length, rows.length === 0 ? '[]' : newEventsJson(tenantId, rows));
    },

    insertSerialized,

    /**
     * Claims each row's client `event_id` for this tenant and returns the claim now in force for
     * every keyed row. A row whose claim names another log id repeats an earlier event (committed
     * before, or earlier in `rows`) and must not be inserted.
     */
    async claimEventIds(tenantId: string, rows: readonly NewLogRow[]): Promise<Map<string, EventIdClaim>> {
      assertTenant(tx, tenantId);
      const keyed = rows.filter((r): r is NewLogRow & { event_id: string } => r.event_id !== null);
      if (keyed.length === 0) return new Map();
      // Prepared once per connection, like the rest of the ingest transaction (insertSerialized).
      await tx.client.query({
        name: 'ingest-claim-event-ids',
        text: `INSERT INTO log_event_ids (tenant_id, event_id, log_id, event_timestamp, received_at, content_sha256)
         SELECT $1::uuid, event_id, log_id, event_timestamp, received_at, content_sha256
           FROM unnest($2::text[], $3::uuid[], $4::timestamptz[], $5::timestamptz[], $6::bytea[])
             AS r(event_id, log_id, event_timestamp, received_at, content_sha256)
         ON CONFLICT (tenant_id, event_id) DO NOTHING`,
        values: [tenantId, keyed.map((r) => r.event_id), keyed.map((r) => r.id), keyed.map((r) => r.event_timestamp), keyed.map((r) => r.received_at), keyed.map((r) => r.content_sha256)],
      });
      const claims = await tx.client.query<EventIdClaim>({
        name: 'ingest-read-event-id-claims',
        text: `SELECT event_id, log_id, event_timestamp, received_at, content_sha256
           FROM log_event_ids WHERE tenant_id = $1 AND event_id = ANY($2::text[])`,
        values: [tenantId, keyed.map((r) => r.event_id)],
      });
      return new Map(claims.rows.map((r) => [r.event_id, r]));
    },

    /** `at`, when known, is the event's event_timestamp: the lookup then reads the one partition that can hold it. */
    async findById(tenantId: string, id: string, at?: Date): Promise<LogEvent | undefined> {
      assertTenant(tx, tenantId);
      const result = at
        ? await tx.client.query<LogRow>(`SELECT ${SELECT_COLUMNS} FROM logs WHERE tenant_id = $1 AND id = $2 AND event_timestamp = $3`, [tenantId, id, at])
        : await tx.client.query<LogRow>(`SELECT ${SELECT_COLUMNS} FROM logs WHERE tenant_id = $1 AND id = $2`, [tenantId, id]);
      return result.rows[0] && toLogEvent(result.rows[0]);
    },

    /**
     * The events among `ids` whose event_timestamp lies in one of `within` (every one when it is
     * empty). Bounds spare PostgreSQL planning and probing the other partitions, which for a few
     * thousand ids costs more than reading them.
     */
    async findByIds(tenantId: string, ids: readonly string[], within: readonly EventTimeRange[] = []): Promise<LogEvent[]> {
      assertTenant(tx, tenantId);
      const result = await tx.client.query<LogRow>(byIdsQuery(SELECT_COLUMNS, tenantId, ids, within));
      return result.rows.map(toLogEvent);
    },

    /**
     * findByIds for the sealer, which reads every event once and is bound by it: the same events as
     * the text of their columns (EventColumnTexts: no type parser, one array per row), which the
     * sealer hashes without building the events. About half what a read cost with pg's parsers or
     * with the rows built as JSON by PostgreSQL.
     */
    async findColumnTextsByIds(tenantId: string, ids: readonly string[], within: readonly EventTimeRange[] = []): Promise<EventColumnTexts[]> {
      assertTenant(tx, tenantId);
      const result = await tx.client.query<(string | null)[]>({
        ...byIdsQuery(COLUMN_TEXTS, tenantId, ids, within),
        rowMode: 'array',
        types: { getTypeParser: () => asText },
      });
      return result.rows;
    },

    /** EVENT_TEXT_BYTES of each of `ids` that has a row (id in lower case → characters), only in the partitions `within` spans when given. */
    async textBytesOf(tenantId: string, ids: readonly string[], within: readonly EventTimeRange[] = []): Promise<Map<string, number>> {
      assertTenant(tx, tenantId);
      const result = await tx.client.query<{ id: string; bytes: number }>(byIdsQuery(`id::text AS id, ${EVENT_TEXT_BYTES}::int AS bytes`, tenantId, ids.filter(isUuid), within));
      return new Map(result.rows.map((row) => [row.id, row.bytes]));
    },

    /**
     * Which of `ids` still have a row (the rest were deleted, e.g. by a retention cleanup). `ids` may
     * come from the index, where anyone with write access can put any id: one that is not a UUID has
     * no row and is not sent to PostgreSQL's uuid cast.
     */
    async existingIds(tenantId: string, ids: readonly string[]): Promise<Set<string>> {
      assertTenant(tx, tenantId);
      const result = await tx.client.query<{ id: string }>('SELECT id::text AS id FROM logs WHERE tenant_id = $1 AND id = ANY($2::uuid[])', [tenantId, ids.filter(isUuid)]);
      return new Set(result.rows.map((row) => row.id));
    },
  };
}
