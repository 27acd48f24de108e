import type { TaskStatus, TaskType } from '../../domain/task';
import { assertTenant, type TenantTx } from './tenant-transaction';

/** The unique index (migration 080) that lets a tenant hold one unfinished archive/cleanup chain. */
const ONE_CHAIN_INDEX = 'async_task_one_retention_chain';

/** The archive or cleanup task that holds the tenant's chain slot. */
export interface UnfinishedChainTask {
  taskId: string;
  taskType: TaskType;
  status: TaskStatus;
}

/** True when an insert was refused because the tenant already has an unfinished chain. */
export function isSecondChain(error: unknown): boolean {
  const pg = error as { code?: string; constraint?: string };
  return pg?.code === '23505' && pg.constraint === ONE_CHAIN_INDEX;
}

export function retentionChainRepository(tx: TenantTx) {
  return {
    async findUnfinished(tenantId: string): Promise<UnfinishedChainTask | undefined> {
      assertTenant(tx, tenantId);
      const result = await tx.client.query<{ task_id: string; task_type: TaskType; status: TaskStatus }>(
        `SELECT task_id, task_type, status FROM async_task
          WHERE tenant_id = $1 AND task_type IN ('archive', 'log_cleanup') AND status <> 'succeeded'
          ORDER BY created_at DESC LIMIT 1`,
        [tenantId],
      );
      const row = result.rows[0];
      return row && { taskId: row.task_id, taskType: row.task_type, status: row.status };
    },
  };
}
