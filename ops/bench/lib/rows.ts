import type { LogEvent, LogEventInput } from '../../../domain/log-event';
import { toNewLogRow } from '../../../features/ingest/normalize-event';
import type { NewLogRow } from '../../../domain/log-event';
import { toLogDocument } from '../../../adapters/opensearch/log-document';

/** The rows the API would insert for these events (same normalisation, ids and timestamps). */
export function toRows(events: readonly LogEventInput[], actor: string, receivedAt = new Date()): NewLogRow[] {
  return events.map((event) => toNewLogRow(event, actor, receivedAt));
}

export function toStoredEvent(tenantId: string, row: NewLogRow): LogEvent {
  const { content_sha256: _hash, ...fields } = row;
  return { ...fields, tenant_id: tenantId, received_at: row.received_at.toISOString(), event_timestamp: row.event_timestamp.toISOString() };
}

/** The search document the indexer would write for this row. */
export function toSearchDocument(tenantId: string, row: NewLogRow): Record<string, unknown> {
  return toLogDocument(toStoredEvent(tenantId, row));
}

/** The columns COPY writes, in `logs` table order. */
export const COPY_COLUMNS =
  'id, tenant_id, received_at, action, severity, user_id, session_id, resource, resource_id, message, ip_address, user_agent, before_state, after_state, metadata, event_timestamp, event_id';

/** COPY text format: backslash, tab, newline and carriage return escaped; \N for NULL. */
function field(value: string | null): string {
  if (value === null) return '\\N';
  return value.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
}

const json = (value: Record<string, unknown> | null) => (value === null ? null : JSON.stringify(value));

/** One COPY text line per row, ready to stream into `COPY logs (COPY_COLUMNS) FROM STDIN`. */
export function toCopyText(tenantId: string, rows: readonly NewLogRow[]): string {
  let text = '';
  for (const r of rows) {
    text += [
      r.id, tenantId, r.received_at.toISOString(), r.action, r.severity, r.user_id, r.session_id, r.resource, r.resource_id,
      r.message, r.ip_address, r.user_agent, json(r.before_state), json(r.after_state), json(r.metadata), r.event_timestamp.toISOString(), r.event_id,
    ]
      .map(field)
      .join('\t');
    text += '\n';
  }
  return text;
}
