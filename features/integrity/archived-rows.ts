import type { S3Client } from '@aws-sdk/client-s3';
import type { Pool } from 'pg';
import { integrityRepository } from '../../adapters/postgres/integrity-repository';
import { withTenantTx } from '../../adapters/postgres/tenant-transaction';
import type { ArchiveRow } from '../../domain/archive-row';
import { sizedBatches, type PartLimits } from '../../domain/sized-parts';
import { ArchiveIntegrityError, ObjectStoreError } from '../../adapters/s3/errors';
import { readSizedPartRows } from '../../adapters/s3/part-reader';

export interface ArchivedRows {
  /**
   * Passes the rows of every archive part of the tenant to `onBatch` in batches within `limits`, as
   * they are read, and reads on only once it has resolved: a tenant's archives may hold millions of
   * events, and none is kept. Parts that cannot be read are named; what `onBatch` throws is thrown.
   */
  visitBatches(tenantId: string, limits: PartLimits, onBatch: (rows: ArchiveRow[]) => Promise<void>): Promise<{ unreadable: string[] }>;
}

/** Reads a tenant's archive parts back from the bucket (streamed, a line at a time) to find sealed events retention moved there. */
export function createArchivedRows(deps: { pool: Pool; s3: S3Client; bucket: string }): ArchivedRows {
  return {
    async visitBatches(tenantId, limits, onBatch) {
      const keys = await withTenantTx(deps.pool, tenantId, (tx) => integrityRepository(tx).archivePartKeys(tenantId));
      const unreadable: string[] = [];
      for (const key of keys) {
        let failure: unknown;
        try {
          for await (const batch of sizedBatches(readSizedPartRows(deps.s3, deps.bucket, key), limits)) {
            // Kept apart from the part's own errors: a database error checking the rows is not an unreadable part.
            await onBatch(batch).catch((error: unknown) => {
              failure = error;
              throw error;
            });
          }
        } catch (error) {
          if (error === failure || !(error instanceof ObjectStoreError || error instanceof ArchiveIntegrityError)) throw error;
          unreadable.push(key);
        }
      }
      return { unreadable };
    },
  };
}
