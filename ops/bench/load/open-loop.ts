import { performance } from 'node:perf_hooks';

export interface OpenLoopResult {
  /** From each request's scheduled start, so a stalled server cannot hide its queue (no coordinated omission). */
  latencies: number[];
  ok: number;
  failed: number;
  /** Requests not sent because `maxInFlight` were already waiting. */
  shed: number;
  /** Sent, but still unanswered when the loop stopped waiting for stragglers. */
  unanswered: number;
  elapsedMs: number;
  achievedRate: number;
}

/**
 * Sends requests at a fixed rate whatever the responses do (an open loop, like real clients),
 * for `durationMs`, then waits up to `drainMs` for the stragglers.
 */
export async function openLoop(rate: number, durationMs: number, maxInFlight: number, send: (index: number) => Promise<boolean>, drainMs = 30_000): Promise<OpenLoopResult> {
  const total = Math.floor((rate * durationMs) / 1000);
  const interval = 1000 / rate;
  const latencies: number[] = [];
  let ok = 0;
  let failed = 0;
  let shed = 0;
  let inFlight = 0;
  let next = 0;
  const started = performance.now();
  const pending = new Set<Promise<void>>();

  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      while (next < total && started + next * interval <= now) {
        const scheduled = started + next * interval;
        const index = next;
        next += 1;
        if (inFlight >= maxInFlight) {
          shed += 1;
          continue;
        }
        inFlight += 1;
        const request = send(index)
          .then(
            (success) => {
              latencies.push(performance.now() - scheduled);
              if (success) ok += 1;
              else failed += 1;
            },
            () => {
              failed += 1;
            },
          )
          .finally(() => {
            inFlight -= 1;
            pending.delete(request);
          });
        pending.add(request);
      }
      if (next >= total) resolve();
      else setTimeout(tick, Math.max(0, Math.min(1, started + next * interval - performance.now())));
    };
    tick();
  });
  const sendingMs = performance.now() - started;
  await Promise.race([Promise.allSettled([...pending]), new Promise((resolve) => setTimeout(resolve, drainMs).unref())]);
  return { latencies, ok, failed, shed, unanswered: pending.size, elapsedMs: sendingMs, achievedRate: ((ok + failed) / sendingMs) * 1000 };
}
