import type { LeafRange } from './merkle-proofs';

/**
 * The log keeps leaf hashes (level 0) and the hashes of complete aligned subtrees at every level
 * that is a multiple of TILE_HEIGHT (like C2SP tlog-tiles, with shorter tiles): any complete
 * subtree's hash is then a fold of at most 2^(TILE_HEIGHT - 1) stored hashes, so a proof reads about
 * 90 hashes at 1,000,000 leaves, and the sealer writes one subtree row per 15 leaves.
 */
export const TILE_HEIGHT = 4;

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

/**
 * Stored hashes closer than this are read as one span: a proof's hashes at a level cluster in the
 * tile of its leaf and the tree's right edge, and an index range scan of a few more rows costs less
 * than a lookup per row.
 */
const SPAN_GAP = 2 ** TILE_HEIGHT;

/** The spans of stored hashes the MTHs of `ranges` fold from, merged per level: what to read before proving. */
export function storedSpansNeeded(ranges: readonly LeafRange[]): StoredSpan[] {
  const spans = ranges.flatMap((range) => alignedSubtrees(range).map(storedSpanOf));
  spans.sort((a, b) => a.level - b.level || a.first - b.first);
  const merged: StoredSpan[] = [];
  for (const span of spans) {
    const last = merged.at(-1);
    if (last && last.level === span.level && span.first <= last.first + last.count + SPAN_GAP) {
      last.count = Math.max(last.count, span.first + span.count - last.first);
    } else {
      merged.push({ ...span });
    }
  }
  return merged;
}
