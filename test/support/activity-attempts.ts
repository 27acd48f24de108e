import { expect } from 'chai';
import type { TaskRow } from './retention';
import type { TestSystem } from './system';

/**
 * How the attempt that finished the task's workflow's first activity of this type started: its
 * attempt number and the failure of the attempt before it (Temporal's history, not the service's word).
 */
export async function finishingAttempt(system: TestSystem, task: TaskRow, activityType: string) {
  const history = (await system.temporal.workflow.getHandle(task.workflow_id, task.run_id).fetchHistory()).events ?? [];
  const scheduled = history.find((event) => event.activityTaskScheduledEventAttributes?.activityType?.name === activityType);
  return history.find((event) => String(event.activityTaskStartedEventAttributes?.scheduledEventId) === String(scheduled?.eventId))?.activityTaskStartedEventAttributes;
}

/** The task's activity finished in its first attempt: by Temporal's history, and by the attempts the task counted. */
export async function expectFirstAttempt(system: TestSystem, task: TaskRow, activityType: string): Promise<void> {
  expect((await finishingAttempt(system, task, activityType))?.attempt, `${activityType} finished in its first attempt`).to.equal(1);
  expect(task.attempts, 'one attempt counted on the task').to.equal(1);
}
