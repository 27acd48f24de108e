import { TASK_TYPES, type TaskRef, type TaskType } from '../domain/task';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The retry generation is written only for retries, so a first-run message keeps its original shape. */
export function encodeTaskMessage(ref: TaskRef): string {
  return JSON.stringify({
    task_id: ref.taskId,
    tenant_id: ref.tenantId,
    task_type: ref.taskType,
    ...(ref.retryCount ? { retry_count: ref.retryCount } : {}),
  });
}

/** Returns undefined for a body that is not a task message; such a message ends in the dead-letter queue. */
export function decodeTaskMessage(body: string | undefined): TaskRef | undefined {
  try {
    const parsed = JSON.parse(body ?? '') as Record<string, unknown>;
    const { task_id: taskId, tenant_id: tenantId, task_type: taskType, retry_count: retryCount = 0 } = parsed;
    if (typeof taskId !== 'string' || !UUID.test(taskId)) return undefined;
    if (typeof tenantId !== 'string' || !UUID.test(tenantId)) return undefined;
    if (typeof taskType !== 'string' || !(TASK_TYPES as readonly string[]).includes(taskType)) return undefined;
    if (!Number.isSafeInteger(retryCount) || (retryCount as number) < 0) return undefined;
    const ref: TaskRef = { taskId, tenantId, taskType: taskType as TaskType };
    return retryCount ? { ...ref, retryCount: retryCount as number } : ref;
  } catch {
    return undefined;
  }
}
