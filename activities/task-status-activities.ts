import type { Pool } from 'pg';
import { tasksRepository } from '../adapters/postgres/tasks-repository';
import { withTenantTx } from '../adapters/postgres/tenant-transaction';
import { TaskNotFoundError } from '../domain/task-errors';

export interface TaskInput {
  tenantId: string;
  taskId: string;
}

/** Mirror each state of a run into async_task. Compare-and-set, so a replayed call is harmless. */
export function createTaskStatusActivities(pool: Pool) {
  const inTenant = <T>(tenantId: string, work: (tasks: ReturnType<typeof tasksRepository>) => Promise<T>) =>
    withTenantTx(pool, tenantId, (tx) => work(tasksRepository(tx)));

  return {
    async markTaskRunning(input: TaskInput & { workflowId: string; runId: string }): Promise<void> {
      const updated = await inTenant(input.tenantId, (tasks) => tasks.markRunning(input.tenantId, input.taskId, input.workflowId, input.runId));
      if (!updated) {
        const existing = await inTenant(input.tenantId, (tasks) => tasks.findById(input.tenantId, input.taskId));
        if (!existing) throw new TaskNotFoundError(`task ${input.taskId} does not exist in tenant ${input.tenantId}`);
      }
    },

    async markTaskSucceeded(input: TaskInput & { result: Record<string, unknown> }): Promise<void> {
      await inTenant(input.tenantId, (tasks) => tasks.markSucceeded(input.tenantId, input.taskId, input.result));
    },

    async markTaskFailed(input: TaskInput & { error: string }): Promise<void> {
      await inTenant(input.tenantId, (tasks) => tasks.markFailed(input.tenantId, input.taskId, input.error));
    },
  };
}
