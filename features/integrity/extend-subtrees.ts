import type { IntegrityRepository } from '../../adapters/postgres/integrity-repository';
import { treeHash } from '../../domain/integrity/merkle-hash';
import { storedLevels, TILE_HEIGHT } from '../../domain/integrity/stored-subtrees';

/**
 * Stores the hash of every subtree at a tile level that the leaves just appended (sizes oldSize to
 * newSize) completed. Each folds 2^TILE_HEIGHT hashes of the level below, taken from this append
 * where it computed them and from the store otherwise.
 */
export async function extendSubtrees(repo: IntegrityRepository, tenantId: string, oldSize: number, newSize: number, newLeaves: readonly Buffer[]): Promise<void> {
  const fresh = new Map<number, Map<number, Buffer>>([[0, new Map(newLeaves.map((hash, offset) => [oldSize + offset, hash]))]]);
  const width = 2 ** TILE_HEIGHT;
  for (const { level, count } of storedLevels(newSize)) {
    const first = Math.floor(oldSize / 2 ** level);
    if (first >= count) break;
    const below = fresh.get(level - TILE_HEIGHT) ?? new Map<number, Buffer>();
    const missing: number[] = [];
    for (let index = first * width; index < count * width; index += 1) if (!below.has(index)) missing.push(index);
    const stored = await repo.storedHashes(tenantId, level - TILE_HEIGHT, missing);
    const completed: { index: number; hash: Buffer }[] = [];
    for (let index = first; index < count; index += 1) {
      const hashes = Array.from({ length: width }, (_, offset) => {
        const at = index * width + offset;
        const hash = below.get(at) ?? stored.get(at);
        if (!hash) throw new Error(`level ${level - TILE_HEIGHT} of tenant ${tenantId}'s tree lacks index ${at}`);
        return hash;
      });
      completed.push({ index, hash: treeHash(hashes) });
    }
    await repo.insertSubtrees(tenantId, level, completed);
    fresh.set(level, new Map(completed.map(({ index, hash }) => [index, hash])));
  }
}
