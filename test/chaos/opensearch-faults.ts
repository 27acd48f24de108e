import type { FaultProxy, OutageMode } from './fault-proxy';
import { reachedProgress, type LoadProgress } from './load-progress';
import type { SeededRandom } from './seeded-random';

export interface PlannedOutage {
  mode: OutageMode;
  atAcknowledged: number;
}

export interface OutageRecord extends PlannedOutage {
  openedAt: number;
  ms: number;
}

/** `count` outage windows at seeded random points between 5% and 85% of the load, alternating 503s and stalls. */
export function planOutages(random: SeededRandom, count: number, totalEvents: number): PlannedOutage[] {
  const points = Array.from({ length: count }, () => Math.floor(totalEvents * (0.05 + 0.8 * random.next()))).sort((a, b) => a - b);
  return points.map((atAcknowledged, i) => ({ mode: i % 2 === 0 ? 'error-status' : 'stall', atAcknowledged }));
}

export interface OutageRunOptions extends LoadProgress {
  plan: readonly PlannedOutage[];
  proxy: FaultProxy;
  ms: number;
  log: (line: string) => void;
}

/**
 * Opens the planned windows on the OpenSearch proxy one after another while the load runs; a
 * window whose moment comes after the load finished is skipped, since faults stop with the load.
 */
export async function runOutages(options: OutageRunOptions): Promise<OutageRecord[]> {
  const done: OutageRecord[] = [];
  for (const planned of options.plan) {
    if (!(await reachedProgress(options, planned.atAcknowledged, `an OpenSearch ${planned.mode} window`)) || options.loadFinished()) break;
    const openedAt = Date.now();
    options.log(`OpenSearch ${planned.mode} window for ${options.ms} ms at ${options.acknowledged()} acknowledged events`);
    await options.proxy.outage(planned.mode, options.ms);
    done.push({ ...planned, openedAt, ms: options.ms });
  }
  return done;
}
