import type { ArchivePartRecord } from '../../domain/archive-row';
import { assertTenant, type TenantTx } from './tenant-transaction';

interface PartRow {
  part_number: number;
  object_key: string;
  row_count: number;
  byte_size: number;
  sha256: string;
  first_event_timestamp: string;
  first_id: string;
  last_event_timestamp: string;
  last_id: string;
}

const toRecord = (row: PartRow): ArchivePartRecord => ({
  partNumber: row.part_number,
  key: row.object_key,
  rows: row.row_count,
  bytes: row.byte_size,
  sha256: row.sha256,
  first: { event_timestamp: row.first_event_timestamp, id: row.first_id },
  last: { event_timestamp: row.last_event_timestamp, id: row.last_id },
});

export function archivePartsRepository(tx: TenantTx) {
  return {
    /** Records a verified part; a part rewritten after a crash replaces its earlier record. */
    async record(tenantId: string, taskId: string, part: ArchivePartRecord): Promise<void> {
      assertTenant(tx, tenantId);
      await tx.client.query(
        `INSERT INTO archive_parts (tenant_id, task_id, part_number, object_key, row_count, byte_size, sha256,
                                    first_event_timestamp, first_id, last_event_timestamp, last_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
         ON CONFLICT (tenant_id, task_id, part_number) DO UPDATE
            SET object_key = EXCLUDED.object_key, row_count = EXCLUDED.row_count, byte_size = EXCLUDED.byte_size,
                sha256 = EXCLUDED.sha256, first_event_timestamp = EXCLUDED.first_event_timestamp, first_id = EXCLUDED.first_id,
                last_event_timestamp = EXCLUDED.last_event_timestamp, last_id = EXCLUDED.last_id, recorded_at = now()`,
        [tenantId, taskId, part.partNumber, part.key, part.rows, part.bytes, part.sha256, part.first.event_timestamp, part.first.id, part.last.event_timestamp, part.last.id],
      );
    },

    async list(tenantId: string, taskId: string): Promise<ArchivePartRecord[]> {
      assertTenant(tx, tenantId);
      const result = await tx.client.query<PartRow>(
        `SELECT part_number, object_key, row_count, byte_size, sha256, first_event_timestamp, first_id::text AS first_id,
                last_event_timestamp, last_id::text AS last_id
           FROM archive_parts WHERE tenant_id = $1 AND task_id = $2 ORDER BY part_number`,
        [tenantId, taskId],
      );
      return result.rows.map(toRecord);
    },
  };
}
