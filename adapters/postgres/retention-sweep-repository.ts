import type { Pool } from 'pg';
import type { TaskStatus, TaskType } from '../../domain/task';
import { assertTenant, type TenantTx } from './tenant-transaction';

export interface DueTenant {
  tenantId: string;
  retentionDays: number;
  /** Events strictly before this instant are past the tenant's retention. */
  cutoff: string;
}

/** A retention task that stops the sweep from starting another chain for the tenant. */
export interface RetentionBlocker {
  taskId: string;
  taskType: TaskType;
  status: TaskStatus;
}

/** Tenants with events past their retention, a page at a time (owner-defined function, migration 043). */
export async function tenantsDueForRetention(pool: Pool, asOf: string, afterTenantId: string | null, limit: number): Promise<DueTenant[]> {
  const result = await pool.query<{ tenant_id: string; retention_days: number; cutoff: Date }>(
    'SELECT tenant_id, retention_days, cutoff FROM tenants_due_for_retention($1, $2, $3)',
    [asOf, afterTenantId, limit],
  );
  return result.rows.map((row) => ({ tenantId: row.tenant_id, retentionDays: row.retention_days, cutoff: row.cutoff.toISOString() }));
}

export function retentionSweepRepository(tx: TenantTx) {
  return {
    /**
     * An archive or cleanup task of the tenant that has not succeeded (a chain still running, or
     * failed and waiting for an operator), or a scheduled archive for this very cutoff: in both
     * cases a new chain could archive rows twice, so the sweep leaves the tenant alone.
     */
    async findBlocker(tenantId: string, scheduler: string, cutoff: string): Promise<RetentionBlocker | undefined> {
      assertTenant(tx, tenantId);
      const result = await tx.client.query<{ task_id: string; task_type: TaskType; status: TaskStatus }>(
        `SELECT task_id, task_type, status FROM async_task
          WHERE tenant_id = $1 AND task_type IN ('archive', 'log_cleanup')
            AND (status <> 'succeeded' OR (task_type = 'archive' AND user_id = $2 AND payload->>'before_date' = $3))
          ORDER BY created_at DESC LIMIT 1`,
        [tenantId, scheduler, cutoff],
      );
      const row = result.rows[0];
      return row && { taskId: row.task_id, taskType: row.task_type, status: row.status };
    },
  };
}
