import type { IntegrityRepository } from '../../adapters/postgres/integrity-repository';
import { treeHash } from '../../domain/integrity/merkle-hash';
import { storedLevels, TILE_HEIGHT, type StoredSpan } from '../../domain/integrity/stored-subtrees';

/** First index at `level` that an append from `oldSize` leaves computes (leaves: the first new one). */
const firstNewAt = (level: number, oldSize: number) => Math.floor(oldSize / 2 ** level);

/**
 * Stores the hash of every subtree at a tile level that the leaves just appended (sizes oldSize to
 * newSize) completed. Each folds 2^TILE_HEIGHT hashes of the level below, taken from this append
 * where it computed them and otherwise from the store: only the start of the tile the tree's old
 * right edge fell in, so everything needed is read in one query and written in one.
 */
export async function extendSubtrees(repo: IntegrityRepository, tenantId: string, oldSize: number, newSize: number, newLeaves: readonly Buffer[]): Promise<void> {
  const width = 2 ** TILE_HEIGHT;
  const levels = storedLevels(newSize).filter(({ level, count }) => firstNewAt(level, oldSize) < count);
  const older: StoredSpan[] = levels
    .map(({ level }) => ({ level: level - TILE_HEIGHT, first: firstNewAt(level, oldSize) * width, count: 0 }))
    .map((span) => ({ ...span, count: firstNewAt(span.level, oldSize) - span.first }))
    .filter((span) => span.count > 0);
  const stored = await repo.storedSpans(tenantId, older);
  const computed = new Map<number, Map<number, Buffer>>([[0, new Map(newLeaves.map((hash, offset) => [oldSize + offset, hash]))]]);
  const completed: { level: number; index: number; hash: Buffer }[] = [];
  for (const { level, count } of levels) {
    const below = level - TILE_HEIGHT;
    const hashAt = (index: number) => {
      const hash = computed.get(below)?.get(index) ?? stored.get(below)?.get(index);
      if (!hash) throw new Error(`level ${below} of tenant ${tenantId}'s tree lacks index ${index}`);
      return hash;
    };
    const atLevel = new Map<number, Buffer>();
    for (let index = firstNewAt(level, oldSize); index < count; index += 1) {
      const hash = treeHash(Array.from({ length: width }, (_, offset) => hashAt(index * width + offset)));
      atLevel.set(index, hash);
      completed.push({ level, index, hash });
    }
    computed.set(level, atLevel);
  }
  await repo.insertSubtrees(tenantId, completed);
}
