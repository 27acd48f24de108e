import type { S3Client } from '@aws-sdk/client-s3';
import type { Pool } from 'pg';
import { integrityRepository } from '../../adapters/postgres/integrity-repository';
import { withTenantTx } from '../../adapters/postgres/tenant-transaction';
import type { ArchiveRow } from '../../domain/archive-row';
import { ArchiveIntegrityError, ObjectStoreError } from '../../adapters/s3/errors';
import { readPartRows } from '../../adapters/s3/part-reader';

export interface ArchivedRows {
  /**
   * Passes every row of every archive part of the tenant to `onRow` as it is read, keeping none (a
   * tenant's archives may hold millions of events); parts that cannot be read are named.
   */
  visit(tenantId: string, onRow: (row: ArchiveRow) => void): Promise<{ unreadable: string[] }>;
}

/** Reads a tenant's archive parts back from the bucket (streamed, a line at a time) to find sealed events retention moved there. */
export function createArchivedRows(deps: { pool: Pool; s3: S3Client; bucket: string }): ArchivedRows {
  return {
    async visit(tenantId, onRow) {
      const keys = await withTenantTx(deps.pool, tenantId, (tx) => integrityRepository(tx).archivePartKeys(tenantId));
      const unreadable: string[] = [];
      for (const key of keys) {
        try {
          for await (const row of readPartRows(deps.s3, deps.bucket, key)) onRow(row);
        } catch (error) {
          if (!(error instanceof ObjectStoreError || error instanceof ArchiveIntegrityError)) throw error;
          unreadable.push(key);
        }
      }
      return { unreadable };
    },
  };
}
