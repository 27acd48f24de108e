import { TASK_TYPES, type TaskRef, type TaskType } from '../domain/task';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function encodeTaskMessage(ref: TaskRef): string {
  return JSON.stringify({ task_id: ref.taskId, tenant_id: ref.tenantId, task_type: ref.taskType });
}

/** Returns undefined for a body that is not a task message; such a message ends in the dead-letter queue. */
export function decodeTaskMessage(body: string | undefined): TaskRef | undefined {
  try {
    const parsed = JSON.parse(body ?? '') as Record<string, unknown>;
    const { task_id: taskId, tenant_id: tenantId, task_type: taskType } = parsed;
    if (typeof taskId !== 'string' || !UUID.test(taskId)) return undefined;
    if (typeof tenantId !== 'string' || !UUID.test(tenantId)) return undefined;
    if (typeof taskType !== 'string' || !(TASK_TYPES as readonly string[]).includes(taskType)) return undefined;
    return { taskId, tenantId, taskType: taskType as TaskType };
  } catch {
    return undefined;
  }
}
