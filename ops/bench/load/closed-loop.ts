import { performance } from 'node:perf_hooks';

export interface ClosedLoopResult {
  /** Units of work acknowledged (events, rows), not requests. */
  units: number;
  requests: number;
  failures: number;
  elapsedMs: number;
  unitsPerSecond: number;
  latencies: number[];
}

/**
 * `concurrency` clients, each sending its next request as soon as the last one answered, until
 * `durationMs` has passed. `send` returns the units it got acknowledged (0 = failed).
 */
export async function closedLoop(concurrency: number, durationMs: number, send: (client: number, index: number) => Promise<number>): Promise<ClosedLoopResult> {
  const started = performance.now();
  const deadline = started + durationMs;
  let units = 0;
  let requests = 0;
  let failures = 0;
  const latencies: number[] = [];
  const client = async (id: number) => {
    while (performance.now() < deadline) {
      const index = requests;
      requests += 1;
      const sent = performance.now();
      const done = await send(id, index).catch(() => 0);
      latencies.push(performance.now() - sent);
      if (done > 0) units += done;
      else failures += 1;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, (_, id) => client(id)));
  const elapsedMs = performance.now() - started;
  return { units, requests, failures, elapsedMs, unitsPerSecond: (units / elapsedMs) * 1000, latencies };
}
