import type { IntegrityRepository } from '../../adapters/postgres/integrity-repository';
import type { LeafRange } from '../../domain/integrity/merkle-proofs';
import { rangeHashFromStored } from '../../domain/integrity/range-hash';
import { storedSpansNeeded } from '../../domain/integrity/stored-subtrees';

/** MTHs of the given ranges of the tenant's tree, from its stored leaf and subtree hashes (one read). */
export async function rangeHashes(repo: IntegrityRepository, tenantId: string, ranges: readonly LeafRange[]): Promise<Buffer[]> {
  const levels = await repo.storedSpans(tenantId, storedSpansNeeded(ranges));
  return ranges.map(rangeHashFromStored((level, index) => levels.get(level)?.get(index)));
}
