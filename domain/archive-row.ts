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
