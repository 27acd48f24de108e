/**
 * `reindex` carries one ingest's log ids; `reindex_tenant` rebuilds a tenant's documents over a time
 * range; `integrity_verify` recomputes a tenant's Merkle log and checks its checkpoints.
 */
export const TASK_TYPES = ['reindex', 'archive', 'log_cleanup', 'reindex_tenant', 'integrity_verify'] as const;
export type TaskType = (typeof TASK_TYPES)[number];

export const TASK_STATUSES = ['pending', 'running', 'succeeded', 'failed'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

export interface Task {
  task_id: string;
  tenant_id: string;
  task_type: TaskType;
  status: TaskStatus;
  user_id: string | null;
  payload: Record<string, unknown>;
  error_msg: string | null;
  attempts: number;
  /** How many times the task was retried; each retry is a new workflow run under a new workflow id. */
  retry_count: number;
  progress: { done: number; total: number | null };
  result: Record<string, unknown> | null;
  workflow_id: string | null;
  run_id: string | null;
  created_at: string;
  updated_at: string;
}

/** What crosses SQS and the workflow boundary: ids only, never rows. */
export interface TaskRef {
  taskId: string;
  tenantId: string;
  taskType: TaskType;
  /** The retry generation the message asks to start; absent for the first run. */
  retryCount?: number;
}

/**
 * Workflow ids derive from task ids (and the retry generation) so a redelivered message can never
 * start a second run of the same generation, while a retry can start a new one.
 */
export function workflowIdFor(ref: Pick<TaskRef, 'taskId' | 'taskType' | 'retryCount'>): string {
  const base = `${ref.taskType}-${ref.taskId}`;
  return ref.retryCount ? `${base}-retry-${ref.retryCount}` : base;
}
