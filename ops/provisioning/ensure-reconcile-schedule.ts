import { ScheduleOverlapPolicy, type Client, type ScheduleOptions } from '@temporalio/client';
import { ensureSchedule } from './ensure-schedule';

/** Per namespace, like the retention schedule: the task queue in the id keeps deployments apart. */
export const reconcileScheduleId = (taskQueue: string) => `reconcile-sweep-${taskQueue}`;

export const RECONCILE_SWEEP_WORKFLOW = 'reconcileSweepWorkflow';

function scheduleOptions(taskQueue: string) {
  const scheduleId = reconcileScheduleId(taskQueue);
  return {
    scheduleId,
    // After the retention sweep (02:15), so the day's cleanups are usually done when it compares.
    spec: { calendars: [{ hour: 3, minute: 45, comment: 'daily at 03:45 UTC' }] },
    action: {
      type: 'startWorkflow' as const,
      workflowType: RECONCILE_SWEEP_WORKFLOW,
      taskQueue,
      workflowId: scheduleId,
      args: [],
      workflowExecutionTimeout: '1 hour',
    },
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 day', pauseOnFailure: false },
  } satisfies ScheduleOptions;
}

/**
 * Creates the daily reconciliation Schedule (a `reconcile` task per tenant), or brings an existing
 * one to this build's spec, action and policies, keeping an operator's pause.
 */
export function ensureReconcileSchedule(client: Client, taskQueue: string): Promise<'created' | 'updated'> {
  return ensureSchedule(client, scheduleOptions(taskQueue), "Compares each tenant's rows with its search documents and repairs the documents.");
}
