/**
 * The oldest `event_timestamp` accepted at `now` with a horizon of `years` (EVENT_TIMESTAMP_HORIZON_YEARS):
 * the same UTC instant that many calendar years earlier. Storage holds partitions from 1 January of
 * that year on (domain/log-partition-plan.ts), so an accepted event always has one waiting.
 */
export function oldestAcceptedEventTime(now: Date, years: number): Date {
  const oldest = new Date(now.getTime());
  oldest.setUTCFullYear(oldest.getUTCFullYear() - years);
  return oldest;
}
