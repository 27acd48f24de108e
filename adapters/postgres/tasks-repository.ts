import type { Task, TaskStatus, TaskType } from '../../domain/task';
import { assertTenant, type TenantTx } from './tenant-transaction';

export interface TaskRow {
  task_id: string;
  tenant_id: string;
  task_type: TaskType;
  status: TaskStatus;
  user_id: string | null;
  payload: Record<string, unknown>;
  error_msg: string | null;
  attempts: number;
  retry_count: number;
  progress_done: number;
  progress_total: number | null;
  result: Record<string, unknown> | null;
  workflow_id: string | null;
  run_id: string | null;
  created_at: Date;
  updated_at: Date;
}

export const TASK_COLUMNS = `task_id, tenant_id, task_type, status, user_id, payload, error_msg, attempts, retry_count,
  progress_done, progress_total, result, workflow_id, run_id, created_at, updated_at`;

export function toTask(row: TaskRow): Task {
  const { progress_done, progress_total, created_at, updated_at, ...rest } = row;
  return {
    ...rest,
    progress: { done: progress_done, total: progress_total },
    created_at: created_at.toISOString(),
    updated_at: updated_at.toISOString(),
  };
}

export interface NewTask {
  taskId: string;
  taskType: TaskType;
  userId: string | null;
  payload: Record<string, unknown>;
  progressTotal?: number;
}

/** Status changes are compare-and-set: each names the states it may leave, so a stale writer changes nothing. */
export function tasksRepository(tx: TenantTx) {
  const update = async (tenantId: string, taskId: string, set: string, fromStatuses: readonly TaskStatus[], params: unknown[]) => {
    assertTenant(tx, tenantId);
    const result = await tx.client.query<TaskRow>(
      `UPDATE async_task SET ${set}, updated_at = now()
        WHERE tenant_id = $1 AND task_id = $2 AND status = ANY($3::text[])
        RETURNING ${TASK_COLUMNS}`,
      [tenantId, taskId, fromStatuses, ...params],
    );
    return result.rows[0] && toTask(result.rows[0]);
  };

  return {
    async create(tenantId: string, task: NewTask): Promise<void> {
      assertTenant(tx, tenantId);
      // Prepared once per connection: every ingest transaction creates its reindex task here.
      await tx.client.query({
        name: 'task-create',
        text: `INSERT INTO async_task (task_id, tenant_id, task_type, user_id, payload, progress_total)
         VALUES ($1, $2, $3, $4, $5, $6)`,
        values: [task.taskId, tenantId, task.taskType, task.userId, JSON.stringify(task.payload), task.progressTotal ?? null],
      });
    },

    /**
     * A row for a run that started on its own (not from a published task): already running with its
     * run's ids, so the outbox relay never publishes it. Creating it again is a no-op.
     */
    async createStarted(tenantId: string, task: NewTask & { workflowId: string; runId: string }): Promise<void> {
      assertTenant(tx, tenantId);
      await tx.client.query(
        `INSERT INTO async_task (task_id, tenant_id, task_type, status, user_id, payload, progress_total, workflow_id, run_id)
         VALUES ($1, $2, $3, 'running', $4, $5, $6, $7, $8) ON CONFLICT (task_id) DO NOTHING`,
        [task.taskId, tenantId, task.taskType, task.userId, JSON.stringify(task.payload), task.progressTotal ?? null, task.workflowId, task.runId],
      );
    },

    async findById(tenantId: string, taskId: string): Promise<Task | undefined> {
      assertTenant(tx, tenantId);
      const result = await tx.client.query<TaskRow>(`SELECT ${TASK_COLUMNS} FROM async_task WHERE tenant_id = $1 AND task_id = $2`, [tenantId, taskId]);
      return result.rows[0] && toTask(result.rows[0]);
    },

    /** The bridge records the run it started, which also tells the outbox relay to stop re-publishing. */
    recordWorkflowStart: (tenantId: string, taskId: string, workflowId: string, runId: string) =>
      update(tenantId, taskId, 'workflow_id = $4, run_id = $5, error_msg = NULL', ['pending', 'failed'], [workflowId, runId]),

    /** Says on each still-pending task why its run could not be started; the message will be redelivered. */
    async recordStartFailure(tenantId: string, taskIds: readonly string[], message: string): Promise<void> {
      assertTenant(tx, tenantId);
      await tx.client.query(
        `UPDATE async_task SET error_msg = $3, updated_at = now() WHERE tenant_id = $1 AND task_id = ANY($2::uuid[]) AND status = 'pending'`,
        [tenantId, taskIds, message],
      );
    },

    markRunning: (tenantId: string, taskId: string, workflowId: string, runId: string) =>
      update(tenantId, taskId, "status = 'running', workflow_id = $4, run_id = $5, error_msg = NULL", ['pending', 'running', 'failed'], [workflowId, runId]),

    recordAttempt: (tenantId: string, taskId: string) =>
      update(tenantId, taskId, 'attempts = attempts + 1', ['running'], []),

    recordProgress: (tenantId: string, taskId: string, done: number, total: number | null) =>
      update(tenantId, taskId, 'progress_done = $4, progress_total = COALESCE($5, progress_total)', ['running'], [done, total]),

    markSucceeded: (tenantId: string, taskId: string, result: Record<string, unknown>) =>
      update(tenantId, taskId, "status = 'succeeded', result = $4, error_msg = NULL", ['running'], [JSON.stringify(result)]),

    markFailed: (tenantId: string, taskId: string, message: string) =>
      update(tenantId, taskId, "status = 'failed', error_msg = $4", ['pending', 'running'], [message]),

    /**
     * Turns a failed task into the next generation: a new workflow id the bridge may start. The
     * old run ids are cleared until the bridge records the new run; published_at is set because
     * the caller publishes right after commit (the outbox relay re-publishes if that is lost);
     * publish_count restarts so the relay's backoff starts short again for the new generation.
     */
    requestRetry: (tenantId: string, taskId: string) =>
      update(tenantId, taskId, "status = 'pending', retry_count = retry_count + 1, workflow_id = NULL, run_id = NULL, published_at = now(), publish_count = 0", ['failed'], []),

    /** Fails a task whose message was dead-lettered, only if that message's generation never started a run. */
    markDeadLettered: async (tenantId: string, taskId: string, retryCount: number, message: string) => {
      assertTenant(tx, tenantId);
      const result = await tx.client.query<TaskRow>(
        `UPDATE async_task SET status = 'failed', error_msg = $4, updated_at = now()
          WHERE tenant_id = $1 AND task_id = $2 AND retry_count = $3 AND status = 'pending' AND workflow_id IS NULL
          RETURNING ${TASK_COLUMNS}`,
        [tenantId, taskId, retryCount, message],
      );
      return result.rows[0] && toTask(result.rows[0]);
    },
  };
}
