import { waitFor } from '../support/wait-for';

/** How far the load has got: what the soak's faults (kills, outage windows, cleanups) time themselves by. */
export interface LoadProgress {
  /** Events acknowledged so far. */
  acknowledged: () => number;
  loadFinished: () => boolean;
  /** True once the load has failed: remaining actions are skipped. */
  loadFailed: () => boolean;
}

/** Waits until `atAcknowledged` events are acknowledged (or the load ended); false if the load failed. */
export async function reachedProgress(progress: LoadProgress, atAcknowledged: number, what: string): Promise<boolean> {
  await waitFor(`${atAcknowledged} acknowledged events before ${what}`, () => progress.loadFinished() || progress.loadFailed() || progress.acknowledged() >= atAcknowledged, {
    timeoutMs: 24 * 3600_000,
    intervalMs: 50,
  });
  return !progress.loadFailed();
}
