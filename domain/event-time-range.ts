/**
 * The span of some events' `event_timestamp`, both ends inclusive. `logs` is partitioned by
 * event_timestamp, so a reader that knows the span of the ids it looks up touches only the
 * partitions holding them instead of probing (and planning) every one.
 */
export interface EventTimeRange {
  from: Date;
  to: Date;
}

/**
 * The range covering these instants (epoch milliseconds), its end one millisecond past the latest:
 * PostgreSQL keeps microseconds, so a row at the latest millisecond may lie just after it. Null for
 * none, or when any is unknown (NaN): nothing may be left unread.
 */
export function coveringRange(millis: readonly number[]): EventTimeRange | null {
  if (millis.length === 0 || millis.some(Number.isNaN)) return null;
  let [from, to] = [Infinity, -Infinity];
  for (const at of millis) [from, to] = [Math.min(from, at), Math.max(to, at)];
  return { from: new Date(from), to: new Date(to + 1) };
}

/** A reindex task's payload: the events one ingest transaction wrote, and the span of their event times. */
export type ReindexPayload = {
  log_ids: string[];
  /** ISO 8601, both ends inclusive; absent on tasks written before it existed. */
  event_time_range?: { from: string; to: string };
  /** Characters of the events' JSON as ingested: what reading them back holds in memory (sized-parts.ts). Absent on tasks written before it existed. */
  bytes?: number;
};

export function reindexPayload(rows: readonly { id: string; event_timestamp: Date }[], bytes?: number): ReindexPayload {
  if (rows.length === 0) return { log_ids: [] };
  let [from, to] = [Infinity, -Infinity];
  for (const { event_timestamp: at } of rows) [from, to] = [Math.min(from, at.getTime()), Math.max(to, at.getTime())];
  const payload: ReindexPayload = { log_ids: rows.map((row) => row.id), event_time_range: { from: new Date(from).toISOString(), to: new Date(to).toISOString() } };
  if (bytes !== undefined) payload.bytes = bytes;
  return payload;
}

/** Ranges closer than this are read as one: a lookup per partition costs little, one more OR branch per batch adds up. */
const MERGE_GAP_MS = 24 * 3600_000;
/** More ranges than this after merging become their overall span. */
const MAX_RANGES = 8;

/**
 * The ranges to bound a lookup of the events of several batches by: overlapping and nearby ones
 * merged. Empty, meaning unbounded, when any batch has no range: nothing may be left unread.
 */
export function lookupRanges(ranges: readonly (EventTimeRange | null)[]): EventTimeRange[] {
  if (ranges.length === 0 || ranges.some((range) => range === null)) return [];
  const sorted = (ranges as EventTimeRange[]).map((range) => ({ ...range })).sort((a, b) => a.from.getTime() - b.from.getTime());
  const merged: EventTimeRange[] = [];
  for (const range of sorted) {
    const last = merged.at(-1);
    if (last && range.from.getTime() - last.to.getTime() <= MERGE_GAP_MS) {
      if (range.to > last.to) last.to = range.to;
    } else {
      merged.push(range);
    }
  }
  if (merged.length <= MAX_RANGES) return merged;
  return [{ from: (merged[0] as EventTimeRange).from, to: merged.reduce((latest, range) => (range.to > latest ? range.to : latest), (merged[0] as EventTimeRange).to) }];
}
