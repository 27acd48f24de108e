import { Type } from '@sinclair/typebox';
import { TASK_STATUSES, TASK_TYPES, type TaskStatus, type TaskType } from '../../domain/task';

const NullableString = (description?: string) => Type.Union([Type.String(), Type.Null()], description ? { description } : {});

export const TaskTypeSchema = Type.Unsafe<TaskType>({
  type: 'string',
  enum: [...TASK_TYPES],
  description: 'reindex (one ingest), reindex_tenant (an operator rebuild over a time range), archive, log_cleanup, reconcile (search repaired from PostgreSQL), integrity_verify (a check of the tamper-evident log), export (an export job) or restore (archived events brought back into search).',
});

export const TaskStatusSchema = Type.Unsafe<TaskStatus>({ type: 'string', enum: [...TASK_STATUSES], description: 'pending, running, succeeded or failed.' });

/** A background task as GET /tasks and GET /tasks/{id} return it (domain/task.ts `Task` plus the UI link). */
export const TaskViewSchema = Type.Object(
  {
    task_id: Type.String({ format: 'uuid' }),
    task_type: TaskTypeSchema,
    status: TaskStatusSchema,
    tenant_id: Type.String({ format: 'uuid' }),
    user_id: NullableString('Who asked for the task (the token sub), or the scheduler that did.'),
    payload: Type.Object({}, { additionalProperties: true, description: 'What the task works on; its shape depends on task_type.' }),
    error_msg: NullableString('Why the last run or start failed; also set when the task message was dead-lettered.'),
    attempts: Type.Integer({ minimum: 0, description: 'Activity attempts over every run of the task.' }),
    retry_count: Type.Integer({ minimum: 0, description: 'Retries requested; run n > 0 has workflow id `<task_type>-<task_id>-retry-<n>`.' }),
    progress: Type.Object({ done: Type.Integer({ minimum: 0 }), total: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()]) }),
    result: Type.Union([Type.Object({}, { additionalProperties: true }), Type.Null()]),
    workflow_id: NullableString('The newest run\'s workflow id; null until the run has been started.'),
    run_id: NullableString(),
    temporal_ui_url: NullableString('The run in the Temporal Web UI.'),
    created_at: Type.String({ format: 'date-time' }),
    updated_at: Type.String({ format: 'date-time' }),
  },
  { $id: 'Task', additionalProperties: false },
);

export const TaskListSchema = Type.Object({
  items: Type.Array(TaskViewSchema, { description: 'Newest first.' }),
  page: Type.Integer({ minimum: 1 }),
  page_size: Type.Integer({ minimum: 1 }),
  total: Type.Integer({ minimum: 0, description: 'Tasks matching the filters.' }),
});

export const TaskIdSchema = Type.Object({ task_id: Type.String({ format: 'uuid' }) });
