import { summarizeRuns } from './statistics';
import { residentBytes } from './services';

const MIB = 2 ** 20;

/**
 * Resident memory of each process once idle: waits `settleMs` after start-up (timers, pools and
 * caches settle), then samples every `intervalMs` for `samples` readings and keeps each process's
 * median, in MiB.
 */
export async function memoryAtRest(pids: Record<string, number>, options: { settleMs: number; samples: number; intervalMs: number }): Promise<Record<string, number>> {
  await new Promise((resolve) => setTimeout(resolve, options.settleMs));
  const readings: Record<string, number[]> = Object.fromEntries(Object.keys(pids).map((name) => [name, []]));
  for (let i = 0; i < options.samples; i++) {
    for (const [name, pid] of Object.entries(pids)) readings[name]?.push((await residentBytes(pid)) / MIB);
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs));
  }
  return Object.fromEntries(Object.entries(readings).map(([name, values]) => [name, summarizeRuns(values).median]));
}
