import type { Pool } from 'pg';
import { tasksRepository } from '../../adapters/postgres/tasks-repository';
import { withTenantTx } from '../../adapters/postgres/tenant-transaction';
import type { Task, TaskStatus } from '../../domain/task';
import type { Logger } from '../../platform/observability/logger';
import type { TaskPublisher } from '../../adapters/sqs/task-publisher';

export type RetryOutcome = { kind: 'retried'; task: Task } | { kind: 'not-found' } | { kind: 'not-failed'; status: TaskStatus };

/**
 * Retries a failed task as a new generation: the row goes back to `pending` with retry_count + 1,
 * and the message names that generation, so the bridge starts `<type>-<task>-retry-<n>` while any
 * message of an older generation stays a no-op. The workflows are idempotent per task and resume
 * from what earlier runs left (uploaded parts, indexed documents), so a new run is safe.
 */
export function createTaskRetry(deps: { pool: Pool; publisher: TaskPublisher; logger: Logger }) {
  return {
    async retry(tenantId: string, taskId: string): Promise<RetryOutcome> {
      const outcome = await withTenantTx(deps.pool, tenantId, async (tx): Promise<RetryOutcome> => {
        const tasks = tasksRepository(tx);
        const retried = await tasks.requestRetry(tenantId, taskId);
        if (retried) return { kind: 'retried', task: retried };
        const existing = await tasks.findById(tenantId, taskId);
        return existing ? { kind: 'not-failed', status: existing.status } : { kind: 'not-found' };
      });
      if (outcome.kind !== 'retried') return outcome;
      const { task } = outcome;
      await deps.publisher
        .publish({ taskId: task.task_id, tenantId, taskType: task.task_type, retryCount: task.retry_count })
        .catch((error: unknown) => deps.logger.warn({ err: error, taskId, tenantId }, 'retry publish failed; the outbox relay will retry'));
      return outcome;
    },
  };
}

export type TaskRetry = ReturnType<typeof createTaskRetry>;
