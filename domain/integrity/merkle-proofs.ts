import { nodeHash, splitPoint } from './merkle-hash';

/** Leaves [start, end) of the tree: a proof is a list of MTHs of such ranges. */
export interface LeafRange {
  start: number;
  end: number;
}

/** MTH of leaves [start, end); where the hashes come from (memory, stored subtrees) is the caller's. */
export type RangeHash = (range: LeafRange) => Buffer;

/** RFC 9162 §2.1.3.1 PATH(m, D[n]) as the ranges whose MTHs it lists, the leaf's sibling first. */
export function inclusionRanges(index: number, size: number): LeafRange[] {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) throw new RangeError(`no leaf ${index} in a tree of ${size}`);
  const ranges: LeafRange[] = [];
  let [start, end, m] = [0, size, index];
  const stack: LeafRange[] = [];
  while (end - start > 1) {
    const k = splitPoint(end - start);
    if (m < k) {
      stack.push({ start: start + k, end });
      end = start + k;
    } else {
      stack.push({ start, end: start + k });
      start += k;
      m -= k;
    }
  }
  while (stack.length > 0) ranges.push(stack.pop() as LeafRange);
  return ranges;
}

/** RFC 9162 §2.1.4.1 PROOF(m, D[n]) as ranges, for 0 < first < second; empty when first = second or first = 0. */
export function consistencyRanges(first: number, second: number): LeafRange[] {
  if (!Number.isSafeInteger(first) || !Number.isSafeInteger(second) || first < 0 || first > second) throw new RangeError(`no consistency from ${first} to ${second}`);
  if (first === 0 || first === second) return [];
  const stack: LeafRange[] = [];
  let [start, end, m, complete] = [0, second, first, true];
  while (m !== end - start) {
    const k = splitPoint(end - start);
    if (m <= k) {
      stack.push({ start: start + k, end });
      end = start + k;
    } else {
      stack.push({ start, end: start + k });
      start += k;
      m -= k;
      complete = false;
    }
  }
  if (!complete) stack.push({ start, end });
  return stack.reverse();
}

export function inclusionProof(index: number, size: number, hashOf: RangeHash): Buffer[] {
  return inclusionRanges(index, size).map(hashOf);
}

export function consistencyProof(first: number, second: number, hashOf: RangeHash): Buffer[] {
  return consistencyRanges(first, second).map(hashOf);
}

const isOdd = (n: number) => n % 2 === 1;
const half = (n: number) => Math.floor(n / 2);

function isPowerOfTwo(n: number): boolean {
  let rest = n;
  while (rest > 1 && rest % 2 === 0) rest /= 2;
  return rest === 1;
}

/** RFC 9162 §2.1.3.2: does `proof` take `leaf` at `index` to `root` of a tree of `size`? */
export function verifyInclusion(leaf: Buffer, index: number, size: number, proof: readonly Buffer[], root: Buffer): boolean {
  if (!(index >= 0 && index < size)) return false;
  let [fn, sn, r] = [index, size - 1, leaf];
  for (const p of proof) {
    if (sn === 0) return false;
    if (isOdd(fn) || fn === sn) {
      r = nodeHash(p, r);
      while (!isOdd(fn) && fn !== 0) [fn, sn] = [half(fn), half(sn)];
    } else {
      r = nodeHash(r, p);
    }
    [fn, sn] = [half(fn), half(sn)];
  }
  return sn === 0 && r.equals(root);
}

/** RFC 9162 §2.1.4.2: does `proof` show the tree of `first` leaves is a prefix of the tree of `second`? */
export function verifyConsistency(first: number, second: number, firstRoot: Buffer, secondRoot: Buffer, proof: readonly Buffer[]): boolean {
  if (!(first >= 0 && first <= second)) return false;
  if (first === second) return proof.length === 0 && firstRoot.equals(secondRoot);
  if (first === 0) return proof.length === 0;
  const path = isPowerOfTwo(first) ? [firstRoot, ...proof] : [...proof];
  if (path.length === 0) return false;
  let [fn, sn] = [first - 1, second - 1];
  while (isOdd(fn)) [fn, sn] = [half(fn), half(sn)];
  let fr = path[0] as Buffer;
  let sr = fr;
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (isOdd(fn) || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while (!isOdd(fn) && fn !== 0) [fn, sn] = [half(fn), half(sn)];
    } else {
      sr = nodeHash(sr, c);
    }
    [fn, sn] = [half(fn), half(sn)];
  }
  return fr.equals(firstRoot) && sr.equals(secondRoot) && sn === 0;
}
