/** A partition's range of `event_timestamp`: from inclusive, to exclusive. */
export interface PartitionRange {
  from: Date;
  to: Date;
}

export interface PartitionPlanInput {
  now: Date;
  /** How many years back events are accepted (EVENT_TIMESTAMP_HORIZON_YEARS). */
  horizonYears: number;
  /** Monthly partitions are kept this many months after the current one (LOG_PARTITION_MONTHS_AHEAD). */
  monthsAhead: number;
  /** The partitions `logs` has now. */
  existing: readonly PartitionRange[];
}

const monthStart = (year: number, month: number) => new Date(Date.UTC(year, month, 1));

/**
 * The ranges that still need a partition so that every instant an event may carry has exactly one:
 * a partition per month from the previous month to `monthsAhead` after the current one, and before
 * that, back to 1 January of the horizon's first year, one partition per calendar year. A target
 * that existing partitions already cover in part (the monthly ones of the old on-demand scheme)
 * gets partitions only for its gaps, so nothing overlaps and no row ever has to move. The result is
 * bounded by the horizon and the window, never by what clients send.
 */
export function planLogPartitions(input: PartitionPlanInput): PartitionRange[] {
  const year = input.now.getUTCFullYear();
  const month = input.now.getUTCMonth();
  const monthlyFrom = monthStart(year, month - 1);
  const targets: PartitionRange[] = [];
  for (let y = year - input.horizonYears; monthStart(y, 0) < monthlyFrom; y += 1) {
    const end = monthStart(y + 1, 0);
    targets.push({ from: monthStart(y, 0), to: end < monthlyFrom ? end : monthlyFrom });
  }
  for (let m = month - 1; m <= month + input.monthsAhead; m += 1) targets.push({ from: monthStart(year, m), to: monthStart(year, m + 1) });
  return targets.flatMap((target) => gapsIn(target, input.existing));
}

/** The parts of `target` that no existing range covers, in order. */
function gapsIn(target: PartitionRange, existing: readonly PartitionRange[]): PartitionRange[] {
  const overlapping = existing.filter((range) => range.from < target.to && range.to > target.from).sort((a, b) => a.from.getTime() - b.from.getTime());
  const gaps: PartitionRange[] = [];
  let cursor = target.from;
  for (const range of overlapping) {
    if (range.from > cursor) gaps.push({ from: cursor, to: range.from });
    if (range.to > cursor) cursor = range.to;
  }
  if (cursor < target.to) gaps.push({ from: cursor, to: target.to });
  return gaps;
}
