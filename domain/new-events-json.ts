import type { LogEvent, NewLogRow } from './log-event';

/**
 * JSON.stringify writes a lone UTF-16 surrogate (which JSON.parse lets a client send) as a `\udXXX`
 * escape, and PostgreSQL refuses such an escape; written as UTF-8 text it would have become U+FFFD,
 * so that is what it becomes here. Only an odd run of backslashes starts an escape.
 */
function withoutLoneSurrogates(json: string): string {
  if (!json.includes('\\ud')) return json;
  return json.replace(/(\\+)u(d[89a-f][0-9a-f]{2})/g, (escape: string, slashes: string) => (slashes.length % 2 === 1 ? `${slashes}ufffd` : escape));
}

/**
 * New rows as the events they become, in one JSON array, each as GET /logs/{id} shows it before
 * it is sealed (`seq` null). Serialised once per write: PostgreSQL expands this text into the rows
 * it inserts (json_to_recordset ignores `tenant_id` and `seq`), and the live stream publishes it.
 */
export function newEventsJson(tenantId: string, rows: readonly NewLogRow[]): string {
  let lastDate: Date | undefined;
  let lastIso = '';
  // Rows of one request share their receipt time (and, undated, their event time): format it once.
  const iso = (date: Date) => {
    if (date !== lastDate) [lastDate, lastIso] = [date, date.toISOString()];
    return lastIso;
  };
  const events = rows.map(
    (row): LogEvent & { seq: null } => ({
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
      tenant_id: tenantId,
      seq: null,
    }),
  );
  return withoutLoneSurrogates(JSON.stringify(events));
}
