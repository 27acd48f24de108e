/**
 * Runs the queries given to it one after another on one connection, each sent the moment the
 * previous one settles, before whoever awaited that one resumes: a caller can queue its next
 * query, await the first, and work on its result while PostgreSQL runs the next. (pg's own queue
 * for that is deprecated: pg 9 refuses a query while one runs.) A failed query does not stop the
 * next (in a transaction that fails too); a rejection is left to whoever awaits it, never reported
 * as unhandled.
 */
export function queriesInTurn(): <T>(query: () => Promise<T>) => Promise<T> {
  const waiting: (() => void)[] = [];
  let running = false;
  const startNext = () => {
    const start = waiting.shift();
    running = start !== undefined;
    start?.();
  };
  return <T>(query: () => Promise<T>) => {
    const settled = new Promise<T>((resolve, reject) => {
      waiting.push(() => {
        let result: Promise<T>;
        try {
          result = query();
        } catch (error) {
          result = Promise.reject(error as Error);
        }
        // Registered first, so the next query is sent before this result's awaiter runs.
        result.then(startNext, startNext);
        result.then(resolve, reject);
      });
    });
    settled.catch(() => undefined);
    if (!running) startNext();
    return settled;
  };
}
