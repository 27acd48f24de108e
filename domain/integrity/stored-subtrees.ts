import type { LeafRange } from './merkle-proofs';

/**
 * The log keeps leaf hashes (level 0) and the hashes of complete aligned subtrees at every level
 * that is a multiple of TILE_HEIGHT (like C2SP tlog-tiles): any complete subtree's hash is then a
 * fold of at most 2^TILE_HEIGHT stored hashes, so a proof at any size reads a few hundred hashes.
 */
export const TILE_HEIGHT = 8;

/** Leaves [index·2^height, (index+1)·2^height). */
export interface Subtree {
  height: number;
  index: number;
}

/** The stored hashes a complete subtree folds from: `count` consecutive hashes at `level` from `first`. */
export interface StoredSpan {
  level: number;
  first: number;
  count: number;
}

/** Splits [start, end) into maximal aligned complete subtrees, left to right (RFC 9162 ranges split into decreasing sizes). */
export function alignedSubtrees({ start, end }: LeafRange): Subtree[] {
  const pieces: Subtree[] = [];
  let at = start;
  while (at < end) {
    let height = 0;
    while (at % 2 ** (height + 1) === 0 && at + 2 ** (height + 1) <= end) height += 1;
    pieces.push({ height, index: at / 2 ** height });
    at += 2 ** height;
  }
  return pieces;
}

export function storedSpanOf({ height, index }: Subtree): StoredSpan {
  const level = Math.floor(height / TILE_HEIGHT) * TILE_HEIGHT;
  const count = 2 ** (height - level);
  return { level, first: index * count, count };
}

/** Levels above 0 that a tree of `size` leaves stores, with how many complete subtrees each has. */
export function storedLevels(size: number): { level: number; count: number }[] {
  const levels: { level: number; count: number }[] = [];
  for (let level = TILE_HEIGHT; 2 ** level <= size; level += TILE_HEIGHT) levels.push({ level, count: Math.floor(size / 2 ** level) });
  return levels;
}

/** Stored hash by level and index within it; undefined when the store lacks it. */
export type StoredHash = (level: number, index: number) => Buffer | undefined;

/** Every stored hash the MTHs of `ranges` fold from, by level: what to read before proving. */
export function storedHashesNeeded(ranges: readonly LeafRange[]): Map<number, number[]> {
  const needed = new Map<number, Set<number>>();
  for (const range of ranges) {
    for (const piece of alignedSubtrees(range)) {
      const { level, first, count } = storedSpanOf(piece);
      const indexes = needed.get(level) ?? new Set<number>();
      for (let index = first; index < first + count; index += 1) indexes.add(index);
      needed.set(level, indexes);
    }
  }
  return new Map([...needed].map(([level, indexes]) => [level, [...indexes].sort((a, b) => a - b)]));
}
