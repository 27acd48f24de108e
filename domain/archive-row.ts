import type { LogEvent } from './log-event';

/**
 * One archived event, one NDJSON line: every column of `logs`, in table order, as the API returns
 * an event, except that timestamps keep every fractional digit PostgreSQL stores (the API's
 * millisecond form when there are no more), so an archived key names its stored row exactly.
 */
export type ArchiveRow = LogEvent & { seq?: number | null };

/** The position of a row in archive order, `(event_timestamp, id)`: what parts, resumes and deletes name. */
export interface RowKey {
  event_timestamp: string;
  id: string;
}

export const keyOf = (row: RowKey): RowKey => ({ event_timestamp: row.event_timestamp, id: row.id });

const toMicros = (timestamp: string) => timestamp.replace(/(\.\d{3})Z$/, '$1000Z').replace(/:(\d{2})Z$/, ':$1.000000Z');

/** Orders keys as PostgreSQL does: by instant (to the microsecond), then by uuid bytes. */
export function compareKeys(a: RowKey, b: RowKey): number {
  const at = toMicros(a.event_timestamp);
  const bt = toMicros(b.event_timestamp);
  if (at !== bt) return at < bt ? -1 : 1;
  if (a.id === b.id) return 0;
  return a.id < b.id ? -1 : 1;
}

/** What a cleanup needs of an archived line: the row's key, its tenant and its client `event_id`. */
export interface ArchivedLineFields {
  id: string;
  tenant_id: string;
  event_timestamp: string;
  event_id: string | null;
}

/** The layout archives are written in (PostgreSQL's row_to_json, see archive-events-repository): its first two members, ids without escapes... */
const HEAD = /^\{"id":"([0-9a-f-]{36})","tenant_id":"([0-9a-f-]{36})",/;
/** ...and where its last three start. */
const TAIL_START = ',"event_timestamp":"';
const TAIL_MEMBERS = 'event_timestamp,event_id,seq';

const stringOrNull = (value: unknown): value is string | null => value === null || typeof value === 'string';

/**
 * The fields of one archived line a cleanup needs, read from its first two and last three members
 * instead of parsing the whole event (the cleanup reads every archived line; a full parse was most
 * of its own CPU). Exact, not a guess: the head matches only a line that opens with exactly `id`
 * then `tenant_id`, and the tail parses only if the line ends with exactly `event_timestamp`,
 * `event_id`, `seq` as members of the outer object (a look-alike nested in a JSON column closes its
 * object before the line ends, so it does not parse). Any other layout is parsed whole. The line's
 * middle is not checked: the cleanup reads only parts whose SHA-256 it has just verified.
 */
export function archivedLineFields(line: string): ArchivedLineFields {
  const head = HEAD.exec(line);
  const tailStart = line.lastIndexOf(TAIL_START);
  if (head && tailStart >= head[0].length - 1) {
    let tail: Record<string, unknown> | undefined;
    try {
      tail = JSON.parse(`{${line.slice(tailStart + 1)}`) as Record<string, unknown>;
    } catch {
      // Another layout: parsed whole below.
    }
    const { event_timestamp, event_id } = tail ?? {};
    if (tail && Object.keys(tail).join() === TAIL_MEMBERS && typeof event_timestamp === 'string' && stringOrNull(event_id)) {
      return { id: head[1] as string, tenant_id: head[2] as string, event_timestamp, event_id };
    }
  }
  const row = JSON.parse(line) as Record<string, unknown>;
  return { id: row.id as string, tenant_id: row.tenant_id as string, event_timestamp: row.event_timestamp as string, event_id: (row.event_id ?? null) as string | null };
}

/** One uploaded and read-back part of an archive. */
export interface ArchivePartRecord {
  partNumber: number;
  key: string;
  rows: number;
  bytes: number;
  sha256: string;
  first: RowKey;
  last: RowKey;
}
