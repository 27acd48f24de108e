import type { Pool } from 'pg';
import { integrityRepository } from '../../adapters/postgres/integrity-repository';
import { withTenantTx } from '../../adapters/postgres/tenant-transaction';
import { ArchiveIntegrityError } from '../../adapters/s3/errors';
import type { ArchiveRow } from '../../domain/archive-row';
import { archivedRowLeafHash } from '../../domain/integrity/event-leaf';

/**
 * Holds the rows of an archive part to the tenant's sealed log before any of them is restored: a
 * part rewritten together with its manifest (by someone holding the bucket and the database row
 * that names the manifest's digest) still has to match the leaves the log sealed, which signed
 * checkpoints cover. A row sealed under another seq, carrying a seq the log has no leaf for, or no
 * longer hashing to its leaf fails the whole part. Rows archived before they were sealed (or before
 * sealing existed) carry no seq and have no leaf: there is nothing to hold them to. Each batch's
 * leaves are looked up in one query.
 */
export async function checkRowsAgainstSealedLog(pool: Pool, tenantId: string, partKey: string, batches: AsyncIterable<readonly ArchiveRow[]>): Promise<void> {
  for await (const batch of batches) {
    const leaves = await withTenantTx(pool, tenantId, (tx) => integrityRepository(tx).leavesOf(tenantId, batch.map((row) => row.id)));
    for (const row of batch) {
      const leaf = leaves.get(row.id);
      const refuse = (why: string) => new ArchiveIntegrityError(`archive part ${partKey}: event ${row.id} ${why}; nothing of the part was restored`);
      if (!leaf) {
        if (row.seq !== undefined && row.seq !== null) throw refuse(`carries seq ${row.seq}, but the tenant's log sealed no leaf for it`);
        continue;
      }
      if (row.seq !== undefined && row.seq !== null && row.seq !== leaf.seq) throw refuse(`carries seq ${row.seq}, but the log sealed it at seq ${leaf.seq}`);
      if (!archivedRowLeafHash(row, leaf.seq).equals(leaf.leafHash)) throw refuse(`(seq ${leaf.seq}) does not hash to the leaf the log sealed for it`);
    }
  }
}
