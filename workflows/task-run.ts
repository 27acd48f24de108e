import { ContinueAsNew, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities/create-activities';
import type { TaskInput } from '../activities/task-status-activities';
import { statusUpdate } from './activity-presets';
import { failureMessage } from './failure-message';

const status = proxyActivities<Pick<Activities, 'markTaskRunning' | 'markTaskSucceeded' | 'markTaskFailed'>>(statusUpdate);

export interface TaskRunOptions<T> {
  /** The task's `result` when the work returns; absent when the work itself completes the task (in its own transaction). */
  resultOf?: (value: T) => Record<string, unknown>;
}

/**
 * The life of one task's run, the same for every task type: the row is marked running with this
 * run's ids, the work runs, and the row ends succeeded with its result, or failed with the root
 * cause's message before the failure is rethrown (so Temporal shows the run failed too). A run that
 * continues as new leaves the task running for the next run, which marks it running under its own ids.
 */
export async function runTask<T>(input: TaskInput, work: () => Promise<T>, options: TaskRunOptions<T> = {}): Promise<T> {
  const { workflowId, runId } = workflowInfo();
  await status.markTaskRunning({ ...input, workflowId, runId });
  try {
    const value = await work();
    if (options.resultOf) await status.markTaskSucceeded({ ...input, result: options.resultOf(value) });
    return value;
  } catch (error) {
    // A run that continues as new hands the task, still running, to its next run.
    if (error instanceof ContinueAsNew) throw error;
    await status.markTaskFailed({ ...input, error: failureMessage(error) });
    throw error;
  }
}
