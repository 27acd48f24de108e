export const STATS_INTERVALS = ['minute', 'hour', 'day'] as const;
export type StatsInterval = (typeof STATS_INTERVALS)[number];

export const INTERVAL_MS: Record<StatsInterval, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

/** Bounds the response and the engine's work: 5,000 buckets is minute buckets over ~3.5 days. */
export const MAX_STATS_BUCKETS = 5_000;

/** UTC boundaries are multiples of the interval since the epoch (no leap seconds in Unix time). */
export function alignDown(millis: number, interval: StatsInterval): number {
  const size = INTERVAL_MS[interval];
  return Math.floor(millis / size) * size;
}

/** Start of every bucket that overlaps [start, end), the first aligned at or before start. */
export function bucketStarts(startMs: number, endMs: number, interval: StatsInterval): number[] {
  const starts: number[] = [];
  for (let at = alignDown(startMs, interval); at < endMs; at += INTERVAL_MS[interval]) starts.push(at);
  return starts;
}

export function bucketCount(startMs: number, endMs: number, interval: StatsInterval): number {
  return Math.ceil((endMs - alignDown(startMs, interval)) / INTERVAL_MS[interval]);
}
