import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities/create-activities';
import type { IndexResult } from '../activities/index-activities';
import type { TaskInput } from '../activities/task-status-activities';
import { indexing, statusUpdate } from './activity-presets';
import { failureMessage } from './failure-message';

const status = proxyActivities<Pick<Activities, 'markTaskRunning' | 'markTaskSucceeded' | 'markTaskFailed'>>(statusUpdate);
const { indexTaskLogs } = proxyActivities<Pick<Activities, 'indexTaskLogs'>>(indexing);

/**
 * Carries one reindex task's events into OpenSearch. Builds since the batch workflow no longer start
 * it; it stays registered so runs started by earlier builds (and their retries) still complete.
 */
export async function indexLogsWorkflow(input: TaskInput): Promise<IndexResult> {
  const { workflowId, runId } = workflowInfo();
  await status.markTaskRunning({ ...input, workflowId, runId });
  try {
    const result = await indexTaskLogs(input);
    await status.markTaskSucceeded({ ...input, result: { ...result } });
    return result;
  } catch (error) {
    await status.markTaskFailed({ ...input, error: failureMessage(error) });
    throw error;
  }
}
