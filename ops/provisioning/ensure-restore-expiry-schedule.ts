import { ScheduleOverlapPolicy, type Client, type ScheduleOptions } from '@temporalio/client';
import { ensureSchedule } from './ensure-schedule';

/** Per namespace, like the other schedules: the task queue in the id keeps deployments apart. */
export const restoreExpiryScheduleId = (taskQueue: string) => `restore-expiry-${taskQueue}`;

export const RESTORE_EXPIRY_WORKFLOW = 'restoreExpiryWorkflow';

function scheduleOptions(taskQueue: string) {
  const scheduleId = restoreExpiryScheduleId(taskQueue);
  return {
    scheduleId,
    // Reads hide expired copies by themselves; this only reclaims the space, so every 15 minutes is plenty.
    spec: { intervals: [{ every: '15 minutes' }] },
    action: {
      type: 'startWorkflow' as const,
      workflowType: RESTORE_EXPIRY_WORKFLOW,
      taskQueue,
      workflowId: scheduleId,
      args: [],
      workflowExecutionTimeout: '1 hour',
    },
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 hour', pauseOnFailure: false },
  } satisfies ScheduleOptions;
}

/**
 * Creates the restore expiry Schedule (deletes restored copies past their expires_at), or brings
 * an existing one to this build's spec, action and policies, keeping an operator's pause.
 */
export function ensureRestoreExpirySchedule(client: Client, taskQueue: string): Promise<'created' | 'updated'> {
  return ensureSchedule(client, scheduleOptions(taskQueue), 'Deletes restored copies of archived events once their restore expired or was deleted.');
}
