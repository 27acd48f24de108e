import { Semaphore } from 'async-mutex';

/**
 * How many characters of event JSON the worker's activities may hold at once, across all of them:
 * each index run waits for its share before it reads a part, each seal step for the most it can
 * hold before it begins. A holder never waits for more while it holds some, and takes its share
 * before a database connection, never while holding one: holders cannot wait on each other.
 *
 * The per-run bound (parts of a few MB, domain/sized-parts.ts) is not enough alone: twenty
 * activities run at once, and ten index runs of events at the API's 64 KiB limit held ~100 MB of a
 * 128 MB heap (heap snapshot, worker killed).
 */
export interface EventBytesBudget {
  /** Runs `work` once `bytes` are free (a share larger than the budget waits for all of it), then frees them. */
  holding<T>(bytes: number, work: () => Promise<T>): Promise<T>;
}

export function createEventBytesBudget(limit: number): EventBytesBudget {
  const semaphore = new Semaphore(limit);
  return {
    holding: (bytes, work) => semaphore.runExclusive(work, Math.max(1, Math.min(limit, Math.ceil(bytes)))),
  };
}

/** No bound: for callers outside the worker (tests, the benchmark's in-process sealer). */
export const UNBOUNDED_EVENT_BYTES: EventBytesBudget = { holding: (_bytes, work) => work() };
