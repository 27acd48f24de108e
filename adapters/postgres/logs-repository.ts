import type { EventTimeRange } from '../../domain/event-time-range';
import type { LogEvent, NewLogRow } from '../../domain/log-event';
import { newEventsJson } from '../../domain/new-events-json';
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

/** An instant as Date#toISOString writes it when PostgreSQL can (years 1-9999), else its epoch milliseconds (rounded down, as pg's own parser does). */
function isoInstant(column: string): string {
  return `CASE WHEN ${column} >= '0001-01-01T00:00:00Z' AND ${column} < '10000-01-01T00:00:00Z'
    THEN to_json(to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
    ELSE to_json(floor(extract(epoch FROM ${column}) * 1000)) END`;
}

/** SELECT_COLUMNS as json_build_object arguments: the same keys and values, instants formatted by isoInstant. */
const JSON_COLUMNS = `'id', id, 'tenant_id', tenant_id, 'received_at', ${isoInstant('received_at')}, 'action', action, 'severity', severity,
  'user_id', user_id, 'session_id', session_id, 'resource', resource, 'resource_id', resource_id, 'message', message,
  'ip_address', host(ip_address), 'user_agent', user_agent, 'before_state', before_state, 'after_state', after_state,
  'metadata', metadata, 'event_timestamp', ${isoInstant('event_timestamp')}, 'event_id', event_id`;

/** The events of findJsonByIds, instants sent as epoch milliseconds formatted here. */
export function parseLogEventsJson(json: string): LogEvent[] {
  const events = JSON.parse(json) as (Omit<LogEvent, 'received_at' | 'event_timestamp'> & { received_at: string | number; event_timestamp: string | number })[];
  for (const event of events) {
    if (typeof event.received_at === 'number') event.received_at = new Date(event.received_at).toISOString();
    if (typeof event.event_timestamp === 'number') event.event_timestamp = new Date(event.event_timestamp).toISOString();
  }
  return events as LogEvent[];
}

export type LogRow = Omit<LogEvent, 'received_at' | 'event_timestamp'> & { received_at: Date; event_timestamp: Date };

export function toLogEvent(row: LogRow): LogEvent {
  return { ...row, received_at: row.received_at.toISOString(), event_timestamp: row.event_timestamp.toISOString() };
}

export function logsRepository(tx: TenantTx) {
  /**
   * insertMany of `count` rows already serialised by newEventsJson (the ingest path publishes the
   * same bytes to the live stream). The rows travel as that one JSON parameter and PostgreSQL
   * expands it: one value to encode and bind, where one array per column cost the API more than
   * the rest of the request. As UTF-8 bytes the parameter is sent as they are (binary format,
   * which for json is its text).
   */
  async function insertSerialized(tenantId: string, count: number, eventsJson: string | Buffer): Promise<number | undefined> {
    assertTenant(tx, tenantId);
    if (count === 0) return undefined;
    const reserved = await tx.client.query<{ last_position: string }>(
      `INSERT INTO log_positions AS p (tenant_id, last_position) VALUES ($1, $2)
       ON CONFLICT (tenant_id) DO UPDATE SET last_position = p.last_position + $2
       RETURNING p.last_position`,
      [tenantId, count],
    );
    const first = Number(reserved.rows[0]?.last_position) - count + 1;
    const inserted = await tx.client.query(
      `INSERT INTO logs (id, tenant_id, received_at, action, severity, user_id, session_id, resource, resource_id,
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
      [tenantId, eventsJson, first],
    );
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
      await tx.client.query(
        `INSERT INTO log_event_ids (tenant_id, event_id, log_id, event_timestamp, received_at, content_sha256)
         SELECT $1::uuid, event_id, log_id, event_timestamp, received_at, content_sha256
           FROM unnest($2::text[], $3::uuid[], $4::timestamptz[], $5::timestamptz[], $6::bytea[])
             AS r(event_id, log_id, event_timestamp, received_at, content_sha256)
         ON CONFLICT (tenant_id, event_id) DO NOTHING`,
        [tenantId, keyed.map((r) => r.event_id), keyed.map((r) => r.id), keyed.map((r) => r.event_timestamp), keyed.map((r) => r.received_at), keyed.map((r) => r.content_sha256)],
      );
      const claims = await tx.client.query<EventIdClaim>(
        `SELECT event_id, log_id, event_timestamp, received_at, content_sha256
           FROM log_event_ids WHERE tenant_id = $1 AND event_id = ANY($2::text[])`,
        [tenantId, keyed.map((r) => r.event_id)],
      );
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
      const params: unknown[] = [tenantId, ids];
      const bounds = within.map(({ from, to }) => {
        params.push(from, to);
        return `event_timestamp BETWEEN $${params.length - 1} AND $${params.length}`;
      });
      const result = await tx.client.query<LogRow>(
        `SELECT ${SELECT_COLUMNS} FROM logs WHERE tenant_id = $1 AND id = ANY($2::uuid[])${bounds.length > 0 ? ` AND (${bounds.join(' OR ')})` : ''}`,
        params,
      );
      return result.rows.map(toLogEvent);
    },

    /**
     * findByIds as JSON text that PostgreSQL builds in the shape toLogEvent gives (the shape
     * GET /logs/{id} returns), one array per call: one native JSON.parse in this process instead of
     * a type parser per column and two Date objects per row. Instants are formatted as
     * Date#toISOString does (millisecond, UTC, 'Z') for years 1-9999; outside those the epoch
     * milliseconds travel instead (see parseLogEventsJson).
     */
    async findJsonByIds(tenantId: string, ids: readonly string[], within: readonly EventTimeRange[] = []): Promise<string> {
      assertTenant(tx, tenantId);
      const params: unknown[] = [tenantId, ids];
      const bounds = within.map(({ from, to }) => {
        params.push(from, to);
        return `event_timestamp BETWEEN $${params.length - 1} AND $${params.length}`;
      });
      const result = await tx.client.query<{ events: string | null }>(
        `SELECT json_agg(json_build_object(${JSON_COLUMNS}))::text AS events
           FROM logs WHERE tenant_id = $1 AND id = ANY($2::uuid[])${bounds.length > 0 ? ` AND (${bounds.join(' OR ')})` : ''}`,
        params,
      );
      return result.rows[0]?.events ?? '[]';
    },

    /** Which of `ids` still have a row (the rest were deleted, e.g. by a retention cleanup). */
    async existingIds(tenantId: string, ids: readonly string[]): Promise<Set<string>> {
      assertTenant(tx, tenantId);
      const result = await tx.client.query<{ id: string }>('SELECT id::text AS id FROM logs WHERE tenant_id = $1 AND id = ANY($2::uuid[])', [tenantId, ids]);
      return new Set(result.rows.map((row) => row.id));
    },
  };
}
