/**
 * Keeps the `limit` problems of lowest seq (a problem without a seq sorts last) and counts all of
 * them, in all and by kind: a log tampered throughout, or a verify over millions of archived events that are all gone,
 * finds as many problems as events, and the result lists only the first `limit` anyway. Holds at
 * most twice `limit` between trims; what `list` gives is exactly what sorting all of them by seq and
 * keeping the first `limit` would give.
 */
export function lowestSeqProblems<T extends { seq: number | null; kind: string }>(limit: number) {
  let kept: T[] = [];
  let count = 0;
  const kinds = new Map<string, number>();
  const order = (a: T, b: T) => (a.seq ?? Number.MAX_SAFE_INTEGER) - (b.seq ?? Number.MAX_SAFE_INTEGER);
  const trim = () => {
    // A stable sort: problems of equal seq keep the order they were found in.
    kept.sort(order);
    kept = kept.slice(0, limit);
  };
  return {
    add(problem: T): void {
      count += 1;
      kinds.set(problem.kind, (kinds.get(problem.kind) ?? 0) + 1);
      kept.push(problem);
      if (kept.length >= 2 * limit) trim();
    },
    /** Every problem added, listed or not. */
    get count(): number {
      return count;
    },
    /** Every problem added, listed or not, counted by kind (kinds in the order first found). */
    byKind(): Record<string, number> {
      return Object.fromEntries(kinds);
    },
    /** The first `limit` problems by seq. */
    list(): T[] {
      trim();
      return [...kept];
    },
  };
}
