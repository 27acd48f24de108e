import { Context } from '@temporalio/activity';

/**
 * How often an activity heartbeats while it waits on one long piece of work (a seal step, a
 * checkpoint, a count over a large tenant, a query before its first row), not only when that ends.
 * Under load a seal step took longer than the 20 s heartbeat timeout, so Temporal started a second
 * attempt beside the first (a seal round's waited 10.9 s for the lock the first held; an archive's
 * wrote its parts beside it, an export's its upload). A worker that dies, or whose event loop
 * stalls, stops beating all the same; a query that never returns is left to start-to-close.
 */
export const BEAT_WHILE_WAITING_MS = 5_000;

/**
 * Awaits `work`, heartbeating `details()` every `everyMs` meanwhile. The details must be what the
 * activity's own heartbeats carry: Temporal keeps only the last, and a retry resumes from it.
 */
export async function heartbeatingWhile<T>(work: Promise<T>, details: () => unknown = () => undefined, everyMs = BEAT_WHILE_WAITING_MS): Promise<T> {
  const context = Context.current();
  const beating = setInterval(() => context.heartbeat(details()), everyMs);
  try {
    return await work;
  } finally {
    clearInterval(beating);
  }
}
