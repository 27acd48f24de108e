import type { RowKey } from '../../domain/archive-row';
import { assertTenant, type TenantTx } from './tenant-transaction';

/** One part of an export's multipart upload, recorded once S3 has stored it. */
export interface ExportPartRecord {
  partNumber: number;
  etag: string;
  rows: number;
  bytes: number;
  /** The key of the part's last row; null for an export with no rows. */
  last: RowKey | null;
  final: boolean;
}

export interface ExportUploadRecord {
  objectKey: string;
  uploadId: string;
  parts: ExportPartRecord[];
}

interface PartRow {
  part_number: number;
  etag: string;
  row_count: number;
  byte_size: string;
  last_event_timestamp: string | null;
  last_id: string | null;
  final: boolean;
}

const toPart = (row: PartRow): ExportPartRecord => ({
  partNumber: row.part_number,
  etag: row.etag,
  rows: row.row_count,
  bytes: Number(row.byte_size),
  last: row.last_event_timestamp && row.last_id ? { event_timestamp: row.last_event_timestamp, id: row.last_id } : null,
  final: row.final,
});

/** The resume point of export jobs (migration 110): the upload under way and its stored parts. */
export function exportUploadsRepository(tx: TenantTx) {
  return {
    async find(tenantId: string, taskId: string): Promise<ExportUploadRecord | undefined> {
      assertTenant(tx, tenantId);
      const upload = await tx.client.query<{ object_key: string; upload_id: string }>(
        'SELECT object_key, upload_id FROM export_uploads WHERE tenant_id = $1 AND task_id = $2',
        [tenantId, taskId],
      );
      const head = upload.rows[0];
      if (!head) return undefined;
      const parts = await tx.client.query<PartRow>(
        `SELECT part_number, etag, row_count, byte_size, last_event_timestamp, last_id::text AS last_id, final
           FROM export_upload_parts WHERE tenant_id = $1 AND task_id = $2 ORDER BY part_number`,
        [tenantId, taskId],
      );
      return { objectKey: head.object_key, uploadId: head.upload_id, parts: parts.rows.map(toPart) };
    },

    /** Names the upload a task now writes, forgetting any earlier one and its parts. */
    async start(tenantId: string, taskId: string, objectKey: string, uploadId: string): Promise<void> {
      assertTenant(tx, tenantId);
      await tx.client.query('DELETE FROM export_uploads WHERE tenant_id = $1 AND task_id = $2', [tenantId, taskId]);
      await tx.client.query('INSERT INTO export_uploads (tenant_id, task_id, object_key, upload_id) VALUES ($1, $2, $3, $4)', [tenantId, taskId, objectKey, uploadId]);
    },

    /** Records a stored part; one uploaded again (its record was lost with the worker) replaces its record. */
    async recordPart(tenantId: string, taskId: string, part: ExportPartRecord): Promise<void> {
      assertTenant(tx, tenantId);
      await tx.client.query(
        `INSERT INTO export_upload_parts (tenant_id, task_id, part_number, etag, row_count, byte_size, last_event_timestamp, last_id, final)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (tenant_id, task_id, part_number) DO UPDATE
            SET etag = EXCLUDED.etag, row_count = EXCLUDED.row_count, byte_size = EXCLUDED.byte_size,
                last_event_timestamp = EXCLUDED.last_event_timestamp, last_id = EXCLUDED.last_id, final = EXCLUDED.final, recorded_at = now()`,
        [tenantId, taskId, part.partNumber, part.etag, part.rows, part.bytes, part.last?.event_timestamp ?? null, part.last?.id ?? null, part.final],
      );
    },

    /** Forgets a task's upload once its object is complete (or abandoned). */
    async forget(tenantId: string, taskId: string): Promise<void> {
      assertTenant(tx, tenantId);
      await tx.client.query('DELETE FROM export_uploads WHERE tenant_id = $1 AND task_id = $2', [tenantId, taskId]);
    },
  };
}
