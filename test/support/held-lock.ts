import type { TestSystem } from './system';
import { waitFor } from './wait-for';

/**
 * Takes `lock` in a transaction of its own, runs `start` (a request to the service), and once it was
 * answered and `isWaiting` sees the service wait for the lock, keeps it `heldMs` longer (past the
 * heartbeat timeout of the activity that waits, in the tests that use it): what waits then is the
 * request's background work, not the request. Returns what `start` returned.
 */
export async function holdingLock<T>(
  system: TestSystem,
  lock: { sql: string; params: unknown[] },
  isWaiting: () => Promise<boolean>,
  start: () => Promise<T>,
  heldMs: number,
): Promise<T> {
  const holder = await system.ownerPool.connect();
  try {
    await holder.query('BEGIN');
    await holder.query(lock.sql, lock.params);
    let answered = false;
    const started = start().then((answer) => {
      answered = true;
      return answer;
    });
    started.catch(() => undefined);
    await waitFor('the service to wait for the lock', async () => answered && (await isWaiting()), { timeoutMs: 60_000, intervalMs: 100 });
    await new Promise((resolve) => setTimeout(resolve, heldMs));
    await holder.query('COMMIT');
    return await started;
  } finally {
    holder.release();
  }
}

/** Whether a backend waits for a lock on `table` (any role's: pg_locks shows them all). */
export async function someoneWaitsFor(system: TestSystem, table: string): Promise<boolean> {
  const { rows } = await system.ownerPool.query<{ waiting: boolean }>('SELECT count(*) > 0 AS waiting FROM pg_locks WHERE relation = $1::regclass AND NOT granted', [table]);
  return rows[0]?.waiting === true;
}

/** holdingLock on a whole table (ACCESS EXCLUSIVE), until the service is seen waiting for it. */
export function holdingTableLock<T>(system: TestSystem, table: string, start: () => Promise<T>, heldMs: number): Promise<T> {
  return holdingLock(system, { sql: `LOCK TABLE ${table} IN ACCESS EXCLUSIVE MODE`, params: [] }, () => someoneWaitsFor(system, table), start, heldMs);
}
