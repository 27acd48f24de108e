import type { IntegrityRepository } from '../../adapters/postgres/integrity-repository';
import type { LeafRange } from '../../domain/integrity/merkle-proofs';
import { rangeHashFromStored } from '../../domain/integrity/range-hash';
import { storedHashesNeeded } from '../../domain/integrity/stored-subtrees';

/** MTHs of the given ranges of the tenant's tree, from its stored leaf and subtree hashes (one read per level). */
export async function rangeHashes(repo: IntegrityRepository, tenantId: string, ranges: readonly LeafRange[]): Promise<Buffer[]> {
  const levels = new Map<number, Map<number, Buffer>>();
  for (const [level, indexes] of storedHashesNeeded(ranges)) levels.set(level, await repo.storedHashes(tenantId, level, indexes));
  return ranges.map(rangeHashFromStored((level, index) => levels.get(level)?.get(index)));
}
