import { Semaphore } from 'async-mutex';

/**
 * The budget counts in units of 64 KiB, not bytes: async-mutex's weighted Semaphore walks every
 * free unit on each release (Semaphore._drainUnlockWaiters). Counted in bytes, a 16 MiB budget
 * took 16 million steps per release: the background process's CPU profile at 100 single POSTs/s
 * spent 24 s of its 36 busy seconds there, and the API's answers waited for the cores it took.
 */
export const BUDGET_UNIT_BYTES = 64 * 1024;

/**
 * Characters of event JSON one read of stored events holds, about: the part an index run, a seal
 * step, a reindex, a reconcile or a verify reads at once. The rows, the documents built from them
 * and a `_bulk` body are each about this size at once, in a worker whose heap is 128 MB.
 */
export const EVENT_PART_BYTES = 4 * 1024 * 1024;

/**
 * How many characters of event JSON the worker's activities may hold at once, across all of them:
 * each index run, reindex, reconcile and verify waits for its share before it reads a part, each
 * seal step for the most it can hold before it begins. A holder never waits for more while it holds some, and takes its share
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

/** Units a share of `bytes` takes: any share at least one, a partial unit a whole one. */
export const budgetUnitsOf = (bytes: number): number => Math.max(1, Math.ceil(bytes / BUDGET_UNIT_BYTES));

export function createEventBytesBudget(limitBytes: number): EventBytesBudget & { readonly units: number } {
  const units = Math.max(1, Math.floor(limitBytes / BUDGET_UNIT_BYTES));
  const semaphore = new Semaphore(units);
  return {
    units,
    holding: (bytes, work) => semaphore.runExclusive(work, Math.min(units, budgetUnitsOf(bytes))),
  };
}

/** No bound: for callers outside the worker (tests, the benchmark's in-process sealer). */
export const UNBOUNDED_EVENT_BYTES: EventBytesBudget = { holding: (_bytes, work) => work() };
