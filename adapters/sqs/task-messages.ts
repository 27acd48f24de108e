import { TASK_TYPES, type TaskRef, type TaskType } from '../../domain/task';
import { isUuid } from '../../domain/uuid-text';

/**
 * Refs one message may carry. About 110 bytes each, so ten full messages stay well inside SQS's
 * 256 KiB limit on a whole SendMessageBatch.
 */
export const MAX_REFS_PER_MESSAGE = 100;

/** The retry generation is written only for retries, so a first-run ref keeps its original shape. */
function encodeRef(ref: TaskRef) {
  return {
    task_id: ref.taskId,
    tenant_id: ref.tenantId,
    task_type: ref.taskType,
    ...(ref.retryCount ? { retry_count: ref.retryCount } : {}),
  };
}

function decodeRef(value: unknown): TaskRef | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const { task_id: taskId, tenant_id: tenantId, task_type: taskType, retry_count: retryCount = 0 } = value as Record<string, unknown>;
  if (typeof taskId !== 'string' || !isUuid(taskId)) return undefined;
  if (typeof tenantId !== 'string' || !isUuid(tenantId)) return undefined;
  if (typeof taskType !== 'string' || !(TASK_TYPES as readonly string[]).includes(taskType)) return undefined;
  if (!Number.isSafeInteger(retryCount) || (retryCount as number) < 0) return undefined;
  const ref: TaskRef = { taskId, tenantId, taskType: taskType as TaskType };
  return retryCount ? { ...ref, retryCount: retryCount as number } : ref;
}

/** One message carries several task refs, so a busy API makes one SQS entry per batch of tasks, not per event. */
export function encodeTaskMessage(refs: readonly TaskRef[]): string {
  if (refs.length === 0 || refs.length > MAX_REFS_PER_MESSAGE) throw new RangeError(`a task message carries 1 to ${MAX_REFS_PER_MESSAGE} refs, not ${refs.length}`);
  return JSON.stringify({ tasks: refs.map(encodeRef) });
}

/**
 * The refs of a message, or undefined for a body that is not a task message (such a message ends
 * in the dead-letter queue). Also reads the single-ref shape earlier builds published.
 */
export function decodeTaskMessage(body: string | undefined): TaskRef[] | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body ?? '');
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  if (!('tasks' in parsed)) {
    const single = decodeRef(parsed);
    return single && [single];
  }
  const { tasks } = parsed as { tasks: unknown };
  if (!Array.isArray(tasks) || tasks.length === 0 || tasks.length > MAX_REFS_PER_MESSAGE) return undefined;
  const refs = tasks.map(decodeRef);
  return refs.every((ref): ref is TaskRef => ref !== undefined) ? refs : undefined;
}
