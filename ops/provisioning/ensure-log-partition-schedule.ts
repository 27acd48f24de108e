import { ScheduleOverlapPolicy, type Client, type ScheduleOptions } from '@temporalio/client';
import { ensureSchedule } from './ensure-schedule';

/** Schedules are per namespace; the task queue in the id keeps deployments (and sandboxes) sharing a namespace apart. */
export const logPartitionScheduleId = (taskQueue: string) => `log-partitions-${taskQueue}`;

export const LOG_PARTITION_WORKFLOW = 'logPartitionWorkflow';

function scheduleOptions(taskQueue: string) {
  const scheduleId = logPartitionScheduleId(taskQueue);
  return {
    scheduleId,
    spec: { calendars: [{ hour: 1, minute: 5, comment: 'daily at 01:05 UTC' }] },
    action: {
      type: 'startWorkflow' as const,
      workflowType: LOG_PARTITION_WORKFLOW,
      taskQueue,
      // Temporal appends the scheduled time, so each day's run has its own workflow id.
      workflowId: scheduleId,
      args: [],
      workflowExecutionTimeout: '1 hour',
    },
    // Runs are idempotent and months ahead of need: skip one that would overlap, catch up one missed day.
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 day', pauseOnFailure: false },
  } satisfies ScheduleOptions;
}

/** Creates the daily Schedule that keeps partitions of `logs` ahead of need, or brings it to this build's. */
export function ensureLogPartitionSchedule(client: Client, taskQueue: string): Promise<'created' | 'updated'> {
  return ensureSchedule(client, scheduleOptions(taskQueue), 'Creates the partitions of logs ahead of the events that need them.');
}
