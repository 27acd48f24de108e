import { hash } from 'node:crypto';

/** RFC 9162 §2.1 hashing: domain-separated leaf and interior hashes, so a leaf can never pose as a node. */
const LEAF_PREFIX = Buffer.from([0x00]);
const NODE_PREFIX = Buffer.from([0x01]);

export const HASH_BYTES = 32;

export function leafHash(bytes: Uint8Array): Buffer {
  const input = Buffer.allocUnsafe(1 + bytes.length);
  input[0] = LEAF_PREFIX[0] as number;
  input.set(bytes, 1);
  return hash('sha256', input, 'buffer');
}

/**
 * leafHash of a text's UTF-8 bytes, encoded by the hash itself rather than into a buffer first, in
 * one call (U+0000 is the prefix byte 0x00 in UTF-8): no Hash object per leaf.
 */
export function leafHashOfText(text: string): Buffer {
  return hash('sha256', `\u0000${text}`, 'buffer');
}

export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  const input = Buffer.allocUnsafe(1 + left.length + right.length);
  input[0] = NODE_PREFIX[0] as number;
  input.set(left, 1);
  input.set(right, 1 + left.length);
  return hash('sha256', input, 'buffer');
}

/** MTH({}) = SHA-256 of the empty string. */
export const EMPTY_ROOT: Buffer = hash('sha256', '', 'buffer');

/** The largest power of two strictly below n (n > 1): where RFC 9162 splits a tree of n leaves. */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/**
 * A tree's right edge: the roots of its complete subtrees, largest first. Appending a leaf is
 * amortised O(1) and the root of the tree so far is a fold of at most log2(n) hashes, so a whole
 * log is hashed in one pass, with the root available at any size on the way.
 */
export class CompactRange {
  private readonly stack: { hash: Buffer; leaves: number }[] = [];
  private count = 0;

  get size(): number {
    return this.count;
  }

  append(hash: Buffer): void {
    let node = { hash, leaves: 1 };
    for (let top = this.stack.at(-1); top && top.leaves === node.leaves; top = this.stack.at(-1)) {
      this.stack.pop();
      node = { hash: nodeHash(top.hash, node.hash), leaves: top.leaves * 2 };
    }
    this.stack.push(node);
    this.count += 1;
  }

  root(): Buffer {
    if (this.stack.length === 0) return EMPTY_ROOT;
    let root = (this.stack.at(-1) as { hash: Buffer }).hash;
    for (let index = this.stack.length - 2; index >= 0; index -= 1) root = nodeHash((this.stack[index] as { hash: Buffer }).hash, root);
    return root;
  }
}

/** MTH(D[n]) of RFC 9162 §2.1.1 for any n. */
export function treeHash(leafHashes: readonly Buffer[]): Buffer {
  const range = new CompactRange();
  for (const hash of leafHashes) range.append(hash);
  return range.root();
}
