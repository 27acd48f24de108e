import type { Pool } from 'pg';
import type { Restore, RestorePart, RestoreStatus } from '../../domain/restore';
import type { TaskStatus } from '../../domain/task';
import { assertTenant, type TenantTx } from './tenant-transaction';

interface RestoreRow {
  restore_id: string;
  task_id: string;
  start_time: Date;
  end_time: Date;
  expires_at: Date;
  row_count: string | null;
  removed_at: Date | null;
  removed_by: 'expiry' | 'request' | null;
  created_at: Date;
  task_status: TaskStatus;
}

const SELECT_RESTORE = `SELECT r.restore_id, r.task_id, r.start_time, r.end_time, r.expires_at, r.row_count, r.removed_at, r.removed_by,
  r.created_at, t.status AS task_status
  FROM restores r JOIN async_task t ON t.task_id = r.task_id AND t.tenant_id = r.tenant_id`;

function statusOf(row: RestoreRow, now: Date): RestoreStatus {
  if (row.removed_by === 'request') return 'deleted';
  if (row.removed_at || (row.expires_at <= now && (row.task_status === 'succeeded' || row.task_status === 'failed'))) return 'expired';
  return row.task_status;
}

function toRestore(row: RestoreRow, now: Date): Restore {
  return {
    restore_id: row.restore_id,
    task_id: row.task_id,
    start_time: row.start_time.toISOString(),
    end_time: row.end_time.toISOString(),
    status: statusOf(row, now),
    rows: row.row_count === null ? null : Number(row.row_count),
    expires_at: row.expires_at.toISOString(),
    created_at: row.created_at.toISOString(),
    removed_at: row.removed_at?.toISOString() ?? null,
  };
}

/** A succeeded archive whose cleanup also succeeded, with parts overlapping a range. */
export interface ArchiveInRange {
  archiveTaskId: string;
  manifestKey: string;
  manifestSha256: string;
}

export interface NewRestore {
  restoreId: string;
  taskId: string;
  startTime: string;
  endTime: string;
  expiresAt: string;
}

export function restoresRepository(tx: TenantTx) {
  const scoped = (tenantId: string) => assertTenant(tx, tenantId);
  return {
    async create(tenantId: string, restore: NewRestore): Promise<void> {
      scoped(tenantId);
      await tx.client.query(
        'INSERT INTO restores (restore_id, tenant_id, task_id, start_time, end_time, expires_at) VALUES ($1, $2, $3, $4, $5, $6)',
        [restore.restoreId, tenantId, restore.taskId, restore.startTime, restore.endTime, restore.expiresAt],
      );
    },

    /**
     * Serialises restore requests of one tenant until the transaction ends, so two requests for
     * overlapping ranges cannot both pass the overlap check.
     */
    async lockTenant(tenantId: string): Promise<void> {
      scoped(tenantId);
      await tx.client.query("SELECT pg_advisory_xact_lock(hashtextextended('restores:' || $1, 0))", [tenantId]);
    },

    /** The task of a pending or running restore of the tenant whose range overlaps [start, end), if any. */
    async findRunningOverlap(tenantId: string, startTime: string, endTime: string): Promise<string | undefined> {
      scoped(tenantId);
      const result = await tx.client.query<{ task_id: string }>(
        `SELECT r.task_id FROM restores r JOIN async_task t ON t.task_id = r.task_id AND t.tenant_id = r.tenant_id
          WHERE r.tenant_id = $1 AND t.status IN ('pending', 'running') AND r.start_time < $3 AND r.end_time > $2
          ORDER BY r.created_at LIMIT 1`,
        [tenantId, startTime, endTime],
      );
      return result.rows[0]?.task_id;
    },

    async list(tenantId: string, now: Date): Promise<Restore[]> {
      scoped(tenantId);
      const result = await tx.client.query<RestoreRow>(`${SELECT_RESTORE} WHERE r.tenant_id = $1 ORDER BY r.created_at DESC, r.restore_id DESC LIMIT 1000`, [tenantId]);
      return result.rows.map((row) => toRestore(row, now));
    },

    async find(tenantId: string, restoreId: string, now: Date): Promise<Restore | undefined> {
      scoped(tenantId);
      const result = await tx.client.query<RestoreRow>(`${SELECT_RESTORE} WHERE r.tenant_id = $1 AND r.restore_id = $2`, [tenantId, restoreId]);
      return result.rows[0] && toRestore(result.rows[0], now);
    },

    /** Ends a restore's life now: searches stop showing its copies at once, and removal follows. */
    async expireNow(tenantId: string, restoreId: string): Promise<void> {
      scoped(tenantId);
      await tx.client.query(
        `UPDATE restores SET expires_at = LEAST(expires_at, now()), removed_by = COALESCE(removed_by, 'request')
          WHERE tenant_id = $1 AND restore_id = $2`,
        [tenantId, restoreId],
      );
    },

    async markRemoved(tenantId: string, restoreId: string): Promise<void> {
      scoped(tenantId);
      await tx.client.query(
        `UPDATE restores SET removed_at = COALESCE(removed_at, now()), removed_by = COALESCE(removed_by, 'expiry')
          WHERE tenant_id = $1 AND restore_id = $2`,
        [tenantId, restoreId],
      );
    },

    async recordRows(tenantId: string, restoreId: string, rows: number): Promise<void> {
      scoped(tenantId);
      await tx.client.query('UPDATE restores SET row_count = $3 WHERE tenant_id = $1 AND restore_id = $2', [tenantId, restoreId, rows]);
    },

    /** The tenant's archives whose rows were cleaned up and whose recorded parts overlap [start, end), oldest first. */
    async archivesInRange(tenantId: string, startTime: string, endTime: string): Promise<ArchiveInRange[]> {
      scoped(tenantId);
      const result = await tx.client.query<{ task_id: string; manifest_key: string; manifest_sha256: string }>(
        `SELECT a.task_id, a.result->>'manifest_key' AS manifest_key, a.result->>'manifest_sha256' AS manifest_sha256
           FROM async_task a
          WHERE a.tenant_id = $1 AND a.task_type = 'archive' AND a.status = 'succeeded'
            AND EXISTS (SELECT 1 FROM async_task c
                         WHERE c.tenant_id = a.tenant_id AND c.task_type = 'log_cleanup' AND c.status = 'succeeded'
                           AND c.task_id::text = a.result->>'log_cleanup_task_id')
            AND EXISTS (SELECT 1 FROM archive_parts p
                         WHERE p.tenant_id = a.tenant_id AND p.task_id = a.task_id
                           AND p.first_event_timestamp::timestamptz < $3 AND p.last_event_timestamp::timestamptz >= $2)
          ORDER BY a.created_at, a.task_id`,
        [tenantId, startTime, endTime],
      );
      return result.rows.map((row) => ({ archiveTaskId: row.task_id, manifestKey: row.manifest_key, manifestSha256: row.manifest_sha256 }));
    },

    /** Records the plan once: a second call (a retried attempt) keeps the first. */
    async savePlan(tenantId: string, restoreId: string, parts: readonly RestorePart[]): Promise<void> {
      scoped(tenantId);
      if (parts.length === 0) return;
      await tx.client.query(
        `INSERT INTO restore_parts (tenant_id, restore_id, position, archive_task_id, object_key, byte_size, sha256)
         SELECT $1, $2, * FROM unnest($3::int[], $4::uuid[], $5::text[], $6::bigint[], $7::text[])
         ON CONFLICT (restore_id, position) DO NOTHING`,
        [tenantId, restoreId, parts.map((p) => p.position), parts.map((p) => p.archiveTaskId), parts.map((p) => p.key), parts.map((p) => p.bytes), parts.map((p) => p.sha256)],
      );
    },

    async plan(tenantId: string, restoreId: string): Promise<RestorePart[]> {
      scoped(tenantId);
      const result = await tx.client.query<{ position: number; archive_task_id: string; object_key: string; byte_size: string; sha256: string; loaded_rows: number | null }>(
        `SELECT position, archive_task_id, object_key, byte_size, sha256, loaded_rows FROM restore_parts
          WHERE tenant_id = $1 AND restore_id = $2 ORDER BY position`,
        [tenantId, restoreId],
      );
      return result.rows.map((row) => ({
        position: row.position,
        archiveTaskId: row.archive_task_id,
        key: row.object_key,
        bytes: Number(row.byte_size),
        sha256: row.sha256,
        loadedRows: row.loaded_rows,
      }));
    },

    async markPartLoaded(tenantId: string, restoreId: string, position: number, rows: number): Promise<void> {
      scoped(tenantId);
      await tx.client.query(
        'UPDATE restore_parts SET loaded_rows = $4, loaded_at = now() WHERE tenant_id = $1 AND restore_id = $2 AND position = $3',
        [tenantId, restoreId, position, rows],
      );
    },
  };
}

/** Restores past their expiry whose copies are still in search, across tenants (ids only; migration 090). */
export async function restoresDueForRemoval(pool: Pool, asOf: Date, limit: number): Promise<{ tenantId: string; restoreId: string }[]> {
  const result = await pool.query<{ tenant_id: string; restore_id: string }>('SELECT tenant_id::text, restore_id::text FROM restores_due_for_removal($1, $2)', [asOf, limit]);
  return result.rows.map((row) => ({ tenantId: row.tenant_id, restoreId: row.restore_id }));
}
