/** The SQS queue a task's message travels on (each has a `-dlq` dead-letter queue). */
export type TaskQueueName = 'index' | 'archive' | 'cleanup';

export interface TaskTypeRow {
  /** The queue its messages are published to. */
  readonly queue: TaskQueueName;
  /** The workflow type that runs it. */
  readonly workflow: string;
  /** What its `payload` holds (shown in the API reference). */
  readonly payload: string;
  /**
   * Tasks of this type arriving together start one run between them (the index batch run) rather
   * than one run each.
   */
  readonly batched?: boolean;
}

/**
 * Every task type in one table: adding a type is one row here, its workflow and activities, and the
 * code that creates its task row. The queue, the workflow started for it, the OpenAPI enum and the
 * message codec all read this table.
 */
export const TASK_TYPE_TABLE = {
  reindex: { queue: 'index', workflow: 'indexTaskBatchWorkflow', payload: '{log_ids, event_time_range: {from, to}}: the events one ingest wrote and the span of their event_timestamp (inclusive)', batched: true },
  reindex_tenant: { queue: 'index', workflow: 'reindexTenantWorkflow', payload: '{start_time?, end_time?}: the range of the tenant to rebuild in search' },
  archive: { queue: 'archive', workflow: 'archiveWorkflow', payload: '{before_date, ...}: the cutoff of a cleanup request' },
  integrity_verify: { queue: 'index', workflow: 'integrityVerifyWorkflow', payload: '{start_time?, end_time?}: the range whose leaves are recomputed; the tree and every checkpoint are always checked' },
  integrity_seal: {
    queue: 'index',
    workflow: 'sealWorkflow',
    payload: '{}: a session of the tenant\'s sealer (workflow `seal-<tenant>`), opened by the run itself; retrying a failed one seals what is waiting',
  },
  log_cleanup: { queue: 'cleanup', workflow: 'cleanupWorkflow', payload: '{archive_task_id, ...}: the verified archive whose rows it deletes' },
  reconcile: { queue: 'index', workflow: 'reconcileWorkflow', payload: '{start_time?, end_time?}: the range of the tenant whose search documents are compared with PostgreSQL and repaired' },
  export: { queue: 'archive', workflow: 'exportWorkflow', payload: '{format, filter}: an export job\'s format and search filters' },
  restore: { queue: 'archive', workflow: 'restoreWorkflow', payload: '{restore_id, start_time, end_time}: the archived range brought back into search' },
} as const satisfies Record<string, TaskTypeRow>;

export type TaskType = keyof typeof TASK_TYPE_TABLE;
export const TASK_TYPES = Object.keys(TASK_TYPE_TABLE) as TaskType[];

export function taskTypeRow(taskType: TaskType): TaskTypeRow {
  return TASK_TYPE_TABLE[taskType];
}
