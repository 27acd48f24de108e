import type { Pool } from 'pg';
import { tasksRepository } from '../../adapters/postgres/tasks-repository';
import { withTenantTx } from '../../adapters/postgres/tenant-transaction';

/**
 * The `integrity_seal` task rows through which seal runs show in the task list. A sealer session
 * opens its row itself (it starts from a signal, not from a published task) and counts the events
 * it sealed as the row's progress; runTask ends it like any task.
 */
export function createSealTasks(deps: { pool: Pool }) {
  const inTenant = <T>(tenantId: string, work: (tasks: ReturnType<typeof tasksRepository>) => Promise<T>) =>
    withTenantTx(deps.pool, tenantId, (tx) => work(tasksRepository(tx)));

  return {
    async open(tenantId: string, taskId: string, run: { workflowId: string; runId: string }): Promise<void> {
      await inTenant(tenantId, (tasks) => tasks.createStarted(tenantId, { taskId, taskType: 'integrity_seal', userId: null, payload: {}, ...run }));
    },

    async recordProgress(tenantId: string, taskId: string, sealed: number): Promise<void> {
      await inTenant(tenantId, (tasks) => tasks.recordProgress(tenantId, taskId, sealed, null));
    },
  };
}

export type SealTasks = ReturnType<typeof createSealTasks>;
