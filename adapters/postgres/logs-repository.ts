import type { LogEvent, NewLogRow } from '../../domain/log-event';
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

export type LogRow = Omit<LogEvent, 'received_at' | 'event_timestamp'> & { received_at: Date; event_timestamp: Date };

export function toLogEvent(row: LogRow): LogEvent {
  return { ...row, received_at: row.received_at.toISOString(), event_timestamp: row.event_timestamp.toISOString() };
}

/**
 * JSON.stringify writes a lone UTF-16 surrogate (which JSON.parse lets a client send) as a `\udXXX`
 * escape, and PostgreSQL refuses such an escape; written as UTF-8 text it would have become U+FFFD,
 * so that is what it becomes here. Only an odd run of backslashes starts an escape.
 */
function withoutLoneSurrogates(json: string): string {
  if (!json.includes('\\ud')) return json;
  return json.replace(/(\\+)u(d[89a-f][0-9a-f]{2})/g, (escape: string, slashes: string) => (slashes.length % 2 === 1 ? `${slashes}ufffd` : escape));
}

/** The rows as one JSON array for `json_to_recordset`: instants as ISO strings, objects as they are. */
function rowsJson(rows: readonly NewLogRow[]): string {
  let lastDate: Date | undefined;
  let lastIso = '';
  // Rows of one request share their receipt time (and, undated, their event time): format it once.
  const iso = (date: Date) => {
    if (date !== lastDate) [lastDate, lastIso] = [date, date.toISOString()];
    return lastIso;
  };
  const json = JSON.stringify(
    rows.map((row) => ({
      id: row.id,
      received_at: iso(row.received_at),
      action: row.action,
      severity: row.severity,
      user_id: row.user_id,
      session_id: row.session_id,
      resource: row.resource,
      resource_id: row.resource_id,
      message: row.message,
      ip_address: row.ip_address,
      user_agent: row.user_agent,
      before_state: row.before_state,
      after_state: row.after_state,
      metadata: row.metadata,
      event_timestamp: iso(row.event_timestamp),
      event_id: row.event_id,
    })),
  );
  return withoutLoneSurrogates(json);
}

export function logsRepository(tx: TenantTx) {
  return {
    /**
     * Inserts rows in one statement at consecutive positions of the tenant's commit order, and
     * returns the first one (undefined for no rows). The rows travel as one JSON parameter that
     * PostgreSQL expands (one value to encode and bind, where one array per column cost more than
     * the rest of the request). Taking positions locks the tenant's counter until commit
     * (migration 095), so call this last in the transaction.
     */
    async insertMany(tenantId: string, rows: readonly NewLogRow[]): Promise<number | undefined> {
      assertTenant(tx, tenantId);
      if (rows.length === 0) return undefined;
      const json = rowsJson(rows);
      const reserved = await tx.client.query<{ last_position: string }>(
        `INSERT INTO log_positions AS p (tenant_id, last_position) VALUES ($1, $2)
         ON CONFLICT (tenant_id) DO UPDATE SET last_position = p.last_position + $2
         RETURNING p.last_position`,
        [tenantId, rows.length],
      );
      const first = Number(reserved.rows[0]?.last_position) - rows.length + 1;
      await tx.client.query(
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
        [tenantId, json, first],
      );
      return first;
    },

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

    async findById(tenantId: string, id: string): Promise<LogEvent | undefined> {
      assertTenant(tx, tenantId);
      const result = await tx.client.query<LogRow>(`SELECT ${SELECT_COLUMNS} FROM logs WHERE tenant_id = $1 AND id = $2`, [tenantId, id]);
      return result.rows[0] && toLogEvent(result.rows[0]);
    },

    async findByIds(tenantId: string, ids: readonly string[]): Promise<LogEvent[]> {
      assertTenant(tx, tenantId);
      const result = await tx.client.query<LogRow>(
        `SELECT ${SELECT_COLUMNS} FROM logs WHERE tenant_id = $1 AND id = ANY($2::uuid[])`,
        [tenantId, ids],
      );
      return result.rows.map(toLogEvent);
    },

    /** Which of `ids` still have a row (the rest were deleted, e.g. by a retention cleanup). */
    async existingIds(tenantId: string, ids: readonly string[]): Promise<Set<string>> {
      assertTenant(tx, tenantId);
      const result = await tx.client.query<{ id: string }>('SELECT id::text AS id FROM logs WHERE tenant_id = $1 AND id = ANY($2::uuid[])', [tenantId, ids]);
      return new Set(result.rows.map((row) => row.id));
    },
  };
}
