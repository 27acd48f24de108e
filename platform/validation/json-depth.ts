/** Deeper than any event or request the API defines; far below where recursive code would overflow its stack. */
export const MAX_JSON_DEPTH = 64;

/** True when `value` nests arrays or objects more than `maxDepth` levels deep. Iterative, so any input is safe to check. */
export function nestsDeeperThan(value: unknown, maxDepth: number): boolean {
  const pending: { node: unknown; depth: number }[] = [{ node: value, depth: 0 }];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const { node, depth } = next;
    if (typeof node !== 'object' || node === null) continue;
    if (depth + 1 > maxDepth) return true;
    for (const child of Array.isArray(node) ? node : Object.values(node)) pending.push({ node: child, depth: depth + 1 });
  }
  return false;
}
