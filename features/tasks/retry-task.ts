import { tasksRepository } from '../../adapters/postgres/tasks-repository';
import type { Task, TaskStatus } from '../../domain/task';
import type { TaskOutbox } from '../delivery/task-outbox';

export type RetryOutcome = { kind: 'retried'; task: Task } | { kind: 'not-found' } | { kind: 'not-failed'; status: TaskStatus };

/**
 * Retries a failed task as a new generation: the row goes back to `pending` with retry_count + 1,
 * and the message names that generation, so the bridge starts `<type>-<task>-retry-<n>` while any
 * message of an older generation stays a no-op. The workflows are idempotent per task and resume
 * from what earlier runs left (uploaded parts, indexed documents), so a new run is safe.
 */
export function createTaskRetry(deps: { outbox: TaskOutbox }) {
  return {
    async retry(tenantId: string, taskId: string): Promise<RetryOutcome> {
      return deps.outbox.commit(tenantId, async (tx) => {
        const tasks = tasksRepository(tx);
        const task = await tasks.requestRetry(tenantId, taskId);
        if (task) return { value: { kind: 'retried', task } as RetryOutcome, publish: [{ taskId, tenantId, taskType: task.task_type, retryCount: task.retry_count }] };
        const existing = await tasks.findById(tenantId, taskId);
        return { value: existing ? { kind: 'not-failed', status: existing.status } : { kind: 'not-found' }, publish: [] };
      });
    },
  };
}

export type TaskRetry = ReturnType<typeof createTaskRetry>;
