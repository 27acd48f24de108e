import type { Pool } from 'pg';
import type { Task } from '../domain/task';
import { tasksRepository } from '../adapters/postgres/tasks-repository';
import { withTenantTx } from '../adapters/postgres/tenant-transaction';
import { TaskNotFoundError } from '../domain/task-errors';

/** Loads the task an activity works on; with `countAttempt`, first counts this attempt on it. */
export async function loadTask(pool: Pool, tenantId: string, taskId: string, options: { countAttempt?: boolean } = {}): Promise<Task> {
  const task = await withTenantTx(pool, tenantId, async (tx) => {
    const tasks = tasksRepository(tx);
    if (options.countAttempt) await tasks.recordAttempt(tenantId, taskId);
    return tasks.findById(tenantId, taskId);
  });
  if (!task) throw new TaskNotFoundError(`task ${taskId} does not exist in tenant ${tenantId}`);
  return task;
}

export async function recordProgress(pool: Pool, tenantId: string, taskId: string, done: number, total: number | null): Promise<void> {
  await withTenantTx(pool, tenantId, (tx) => tasksRepository(tx).recordProgress(tenantId, taskId, done, total));
}
