import { nodeHash, treeHash } from './merkle-hash';
import type { LeafRange, RangeHash } from './merkle-proofs';
import { alignedSubtrees, storedSpanOf, type StoredHash } from './stored-subtrees';

export class MissingStoredHashError extends Error {
  constructor(level: number, index: number) {
    super(`the log has no stored hash at level ${level}, index ${index}`);
    this.name = 'MissingStoredHashError';
  }
}

/**
 * MTH of an RFC 9162 range (start a multiple of a power of two at least its length) from stored
 * hashes: each aligned complete piece folds from its stored span, and the pieces, largest first,
 * fold right to left as RFC 9162 splits them.
 */
export function rangeHashFromStored(stored: StoredHash): RangeHash {
  return (range: LeafRange) => {
    const pieces = alignedSubtrees(range).map((piece) => {
      const { level, first, count } = storedSpanOf(piece);
      const hashes: Buffer[] = [];
      for (let index = first; index < first + count; index += 1) {
        const hash = stored(level, index);
        if (!hash) throw new MissingStoredHashError(level, index);
        hashes.push(hash);
      }
      return treeHash(hashes);
    });
    if (pieces.length === 0) throw new RangeError('an empty range has no subtree hash');
    return pieces.reduceRight((right, left) => nodeHash(left, right));
  };
}
