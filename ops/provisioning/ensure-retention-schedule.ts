import { ScheduleOverlapPolicy, type Client, type ScheduleOptions } from '@temporalio/client';
import { ensureSchedule } from './ensure-schedule';

/** Schedules are per namespace; the task queue in the id keeps deployments (and sandboxes) sharing a namespace apart. */
export const retentionScheduleId = (taskQueue: string) => `retention-sweep-${taskQueue}`;

export const RETENTION_SWEEP_WORKFLOW = 'retentionSweepWorkflow';

function scheduleOptions(taskQueue: string) {
  const scheduleId = retentionScheduleId(taskQueue);
  return {
    scheduleId,
    spec: { calendars: [{ hour: 2, minute: 15, comment: 'daily at 02:15 UTC' }] },
    action: {
      type: 'startWorkflow' as const,
      workflowType: RETENTION_SWEEP_WORKFLOW,
      taskQueue,
      // Temporal appends the scheduled time, so each day's run has its own workflow id.
      workflowId: scheduleId,
      args: [],
      workflowExecutionTimeout: '6 hours',
    },
    // A sweep still running (or stuck without a worker) is not joined by the next day's; one missed
    // day is caught up when the scheduler was down.
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 day', pauseOnFailure: false },
  } satisfies ScheduleOptions;
}

/** Creates the daily retention Schedule, or brings an existing one to this build's (see ensureSchedule). */
export function ensureRetentionSchedule(client: Client, taskQueue: string): Promise<'created' | 'updated'> {
  return ensureSchedule(client, scheduleOptions(taskQueue), "Archives and then deletes events past each tenant's retention_days.");
}
