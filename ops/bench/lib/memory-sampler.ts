import { residentBytes } from './services';

/** Samples a process's resident memory while `work` runs: growth = peak − the value just before. */
export async function measureGrowth<T>(pid: number, work: () => Promise<T>, intervalMs = 50): Promise<{ result: T; growthBytes: number; baselineBytes: number }> {
  const baselineBytes = await residentBytes(pid);
  let peak = baselineBytes;
  const timer = setInterval(() => {
    residentBytes(pid).then(
      (bytes) => void (peak = Math.max(peak, bytes)),
      () => undefined,
    );
  }, intervalMs);
  try {
    const result = await work();
    peak = Math.max(peak, await residentBytes(pid));
    return { result, growthBytes: peak - baselineBytes, baselineBytes };
  } finally {
    clearInterval(timer);
  }
}
