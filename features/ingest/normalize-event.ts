import { createHash } from 'node:crypto';
import { oldestAcceptedEventTime } from '../../domain/event-horizon';
import { isReservedAction, RESERVED_ACTION_PREFIX } from '../../domain/read-audit';
import { LIMITS, type LogEventInput, type NewLogRow, type Severity } from '../../domain/log-event';
import type { FieldError } from '../../platform/validation/field-error';
import { newEventId } from './event-ids';

const byteLength = (value: string) => Buffer.byteLength(value, 'utf8');

/**
 * Rules JSON Schema cannot express; `basePath` prefixes each error path (e.g. `/logs/3`).
 * `horizonYears` bounds how old `event_timestamp` may be (EVENT_TIMESTAMP_HORIZON_YEARS).
 */
export function checkEventRules(event: LogEventInput, basePath: string, now: Date, horizonYears: number): FieldError[] {
  const errors: FieldError[] = [];
  if (isReservedAction(event.action)) {
    errors.push({ path: `${basePath}/action`, message: `must not start with ${RESERVED_ACTION_PREFIX}: those actions are recorded by the service itself` });
  }
  if (event.message !== undefined && byteLength(event.message) > LIMITS.messageBytes) {
    errors.push({ path: `${basePath}/message`, message: `must be at most ${LIMITS.messageBytes} bytes` });
  }
  for (const field of ['before_state', 'after_state', 'metadata'] as const) {
    const value = event[field];
    if (value !== undefined && byteLength(JSON.stringify(value)) > LIMITS.objectBytes) {
      errors.push({ path: `${basePath}/${field}`, message: `must be at most ${LIMITS.objectBytes} bytes serialised` });
    }
  }
  if (event.event_timestamp !== undefined) {
    const at = Date.parse(event.event_timestamp);
    if (Number.isNaN(at)) errors.push({ path: `${basePath}/event_timestamp`, message: 'must be an RFC 3339 date-time' });
    else if (at > now.getTime() + LIMITS.futureSkewMs) {
      errors.push({ path: `${basePath}/event_timestamp`, message: 'must be at most 5 minutes in the future' });
    } else if (at < oldestAcceptedEventTime(now, horizonYears).getTime()) {
      errors.push({ path: `${basePath}/event_timestamp`, message: `must be at most ${horizonYears} years in the past` });
    }
  }
  return errors;
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value as object)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * The hash an `event_id` replay is compared by. Only a keyed event is ever compared, so only a keyed
 * event is hashed: canonicalising every event was the largest single cost of a bulk request.
 */
function contentHash(event: LogEventInput, severity: Severity, userId: string, eventTimestamp: Date): Buffer {
  const hashed = { ...event, severity, user_id: userId, event_timestamp: event.event_timestamp ? eventTimestamp.toISOString() : undefined };
  return createHash('sha256').update(canonicalJson(hashed)).digest();
}

/** Turns a valid client event into a row; `actor` is the token's sub, the default `user_id`. */
export function toNewLogRow(event: LogEventInput, actor: string, receivedAt: Date): NewLogRow {
  const severity = event.severity.toUpperCase() as Severity;
  const userId = event.user_id ?? actor;
  const eventTimestamp = event.event_timestamp ? new Date(event.event_timestamp) : receivedAt;
  const eventId = event.event_id ?? null;
  return {
    id: newEventId(receivedAt.getTime()),
    received_at: receivedAt,
    action: event.action,
    severity,
    user_id: userId,
    session_id: event.session_id ?? null,
    resource: event.resource ?? null,
    resource_id: event.resource_id ?? null,
    message: event.message ?? null,
    ip_address: event.ip_address ?? null,
    user_agent: event.user_agent ?? null,
    before_state: event.before_state ?? null,
    after_state: event.after_state ?? null,
    metadata: event.metadata ?? null,
    event_timestamp: eventTimestamp,
    event_id: eventId,
    content_sha256: eventId === null ? null : contentHash(event, severity, userId, eventTimestamp),
  };
}
