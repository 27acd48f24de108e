import type { S3Client } from '@aws-sdk/client-s3';
import type { Pool } from 'pg';
import { integrityRepository } from '../../adapters/postgres/integrity-repository';
import { withTenantTx } from '../../adapters/postgres/tenant-transaction';
import type { ArchiveRow } from '../../domain/archive-row';
import { ArchiveIntegrityError, ObjectStoreError } from '../../adapters/s3/errors';
import { readPartRows } from '../../adapters/s3/part-reader';

export interface ArchivedRows {
  /** The archived rows of the given event ids, from every archive part of the tenant; parts that cannot be read are named. */
  find(tenantId: string, ids: ReadonlySet<string>): Promise<{ rows: Map<string, ArchiveRow>; unreadable: string[] }>;
}

/** Reads a tenant's archive parts back from the bucket (streamed, a line at a time) to find sealed events retention moved there. */
export function createArchivedRows(deps: { pool: Pool; s3: S3Client; bucket: string }): ArchivedRows {
  return {
    async find(tenantId, ids) {
      const keys = await withTenantTx(deps.pool, tenantId, (tx) => integrityRepository(tx).archivePartKeys(tenantId));
      const rows = new Map<string, ArchiveRow>();
      const unreadable: string[] = [];
      for (const key of keys) {
        try {
          for await (const row of readPartRows(deps.s3, deps.bucket, key)) if (ids.has(row.id)) rows.set(row.id, row);
        } catch (error) {
          if (!(error instanceof ObjectStoreError || error instanceof ArchiveIntegrityError)) throw error;
          unreadable.push(key);
        }
      }
      return { rows, unreadable };
    },
  };
}
