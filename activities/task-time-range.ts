import type { LogTimeRange } from '../adapters/postgres/logs-key-order';
import type { Task } from '../domain/task';
import { InvalidTaskPayloadError } from '../domain/task-errors';

/** The `{start_time?, end_time?}` of an operator's task over a tenant's range (reindex_tenant, reconcile). */
export function taskTimeRange(task: Task): LogTimeRange {
  const { start_time: from, end_time: to } = task.payload;
  const valid = (value: unknown) => value === undefined || value === null || (typeof value === 'string' && !Number.isNaN(Date.parse(value)));
  if (!valid(from) || !valid(to)) throw new InvalidTaskPayloadError(`task ${task.task_id} has an unreadable time range`);
  return { ...(typeof from === 'string' ? { from } : {}), ...(typeof to === 'string' ? { to } : {}) };
}
