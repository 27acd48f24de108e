import canonicalize from 'canonicalize';
import type { LogEvent } from '../log-event';
import { leafHashOfText } from './merkle-hash';

/**
 * A stored event as the text of its columns, in LogEvent's field order: instants as their epoch
 * milliseconds (rounded down, as pg's timestamp parser rounds), jsonb as its JSON text, absent
 * values as null. What the sealer reads (every column as text, no type parser), so that an
 * event's leaf is written from the text without building the event first.
 */
export type EventColumnTexts = readonly (string | null)[];

/** The fields in column order; the adapter's SELECT lists the columns in exactly this order. */
export const EVENT_COLUMN_FIELDS = [
  'id', 'tenant_id', 'received_at', 'action', 'severity', 'user_id', 'session_id', 'resource', 'resource_id',
  'message', 'ip_address', 'user_agent', 'before_state', 'after_state', 'metadata', 'event_timestamp', 'event_id',
] as const satisfies readonly (keyof LogEvent)[];

type Field = (typeof EVENT_COLUMN_FIELDS)[number];
type Kind = 'text' | 'instant' | 'json';

const KIND_OF: Partial<Record<Field, Kind>> = { received_at: 'instant', event_timestamp: 'instant', before_state: 'json', after_state: 'json', metadata: 'json' };
const kindOf = (field: Field): Kind => KIND_OF[field] ?? 'text';

const isoOfEpochMs = (text: string | null) => new Date(Number(text)).toISOString();
const jsonOrNull = (text: string | null) => (text === null ? null : (JSON.parse(text) as Record<string, unknown>));

/** The event as GET /logs/{id} returns it (without seq): each jsonb parsed as pg's parser would, each instant formatted as toLogEvent does. */
export function eventFromColumnTexts(columns: EventColumnTexts): LogEvent {
  const event: Record<string, unknown> = {};
  EVENT_COLUMN_FIELDS.forEach((field, index) => {
    const text = columns[index] ?? null;
    const kind = kindOf(field);
    event[field] = kind === 'instant' ? isoOfEpochMs(text) : kind === 'json' ? jsonOrNull(text) : text;
  });
  return event as unknown as LogEvent;
}

/** The event's event_timestamp as the API writes it (ISO 8601, milliseconds). */
export const eventTimestampOfColumnTexts = (columns: EventColumnTexts): string => isoOfEpochMs(columns[EVENT_COLUMN_FIELDS.indexOf('event_timestamp')] ?? null);

/**
 * The sealed event's members in the order JCS sorts them (UTF-16 code units), each with the column
 * it comes from; `seq` is the sealer's, not a column.
 */
export const SEALED_EVENT_KEYS: readonly string[] = [...EVENT_COLUMN_FIELDS, 'seq'].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
const SEALED_MEMBERS = (SEALED_EVENT_KEYS as readonly (Field | 'seq')[])
  .map((name, order) => ({
    prefix: `${order === 0 ? '{' : ','}${JSON.stringify(name)}:`,
    column: name === 'seq' ? -1 : EVENT_COLUMN_FIELDS.indexOf(name),
    kind: name === 'seq' ? ('text' as Kind) : kindOf(name),
  }));

/** JCS of one member's value: a string is its JSON.stringify (as in JCS), an instant its ISO text, a jsonb value canonicalised from its parse. */
function memberText(text: string | null, kind: Kind): string {
  if (text === null) return 'null';
  if (kind === 'text') return JSON.stringify(text);
  if (kind === 'instant') return `"${isoOfEpochMs(text)}"`;
  return canonicalize(JSON.parse(text)) as string;
}

/**
 * The leaf of the event these columns hold, sealed at `seq`: byte for byte the leaf of
 * eventFromColumnTexts(columns) with seq (eventLeafHash), but written straight from the column
 * texts, without the event object in between: the sealer reads and hashes every event once, and
 * building that object cost about as much as hashing it.
 */
export function eventColumnsLeafHash(columns: EventColumnTexts, seq: number): Buffer {
  let text = '';
  for (const { prefix, column, kind } of SEALED_MEMBERS) {
    text += prefix + (column < 0 ? String(seq) : memberText(columns[column] ?? null, kind));
  }
  return leafHashOfText(`${text}}`);
}
