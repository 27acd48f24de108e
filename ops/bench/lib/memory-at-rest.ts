import { summarizeRuns } from './statistics';
import { anonymousBytes, residentBytes } from './services';

const MIB = 2 ** 20;

/**
 * Resident (RSS) and anonymous resident (RssAnon) memory of each process once idle: waits `settleMs` after
 * start-up (timers, pools and caches settle), then samples every `intervalMs` for `samples`
 * readings and keeps each process's medians, in MiB.
 */
export async function memoryAtRest(
  pids: Record<string, number>,
  options: { settleMs: number; samples: number; intervalMs: number },
): Promise<{ rss: Record<string, number>; anon: Record<string, number> }> {
  await new Promise((resolve) => setTimeout(resolve, options.settleMs));
  const rss: Record<string, number[]> = Object.fromEntries(Object.keys(pids).map((name) => [name, []]));
  const anon: Record<string, number[]> = Object.fromEntries(Object.keys(pids).map((name) => [name, []]));
  for (let i = 0; i < options.samples; i++) {
    for (const [name, pid] of Object.entries(pids)) {
      rss[name]?.push((await residentBytes(pid)) / MIB);
      anon[name]?.push((await anonymousBytes(pid)) / MIB);
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs));
  }
  const medians = (readings: Record<string, number[]>) => Object.fromEntries(Object.entries(readings).map(([name, values]) => [name, summarizeRuns(values).median]));
  return { rss: medians(rss), anon: medians(anon) };
}
