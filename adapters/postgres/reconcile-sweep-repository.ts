import type { Pool } from 'pg';
import { assertTenant, type TenantTx } from './tenant-transaction';

/** A page of tenant ids in id order, for the reconcile sweep (the tenants table has no tenant scope). */
export async function tenantIdsAfter(pool: Pool, afterTenantId: string | null, limit: number): Promise<string[]> {
  const result = await pool.query<{ id: string }>(
    'SELECT id::text AS id FROM tenants WHERE ($1::uuid IS NULL OR id > $1::uuid) ORDER BY id LIMIT $2',
    [afterTenantId, limit],
  );
  return result.rows.map((row) => row.id);
}

/** Whether the tenant's previous reconcile is still pending or running (the sweep then leaves it be). */
export async function hasUnfinishedReconcile(tx: TenantTx, tenantId: string): Promise<boolean> {
  assertTenant(tx, tenantId);
  const result = await tx.client.query(`SELECT 1 FROM async_task WHERE tenant_id = $1 AND task_type = 'reconcile' AND status IN ('pending', 'running') LIMIT 1`, [tenantId]);
  return (result.rowCount ?? 0) > 0;
}
