export const TASK_TYPES = ['reindex', 'archive', 'log_cleanup'] as const;
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
}

/** Workflow ids derive from task ids so a redelivered message can never start a second run. */
export function workflowIdFor(ref: Pick<TaskRef, 'taskId' | 'taskType'>): string {
  return `${ref.taskType}-${ref.taskId}`;
}
