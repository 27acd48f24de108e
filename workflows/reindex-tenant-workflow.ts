import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities/create-activities';
import type { ReindexTenantResult } from '../activities/reindex-tenant-activities';
import type { TaskInput } from '../activities/task-status-activities';
import { reindexing, statusUpdate } from './activity-presets';
import { failureMessage } from './failure-message';

const status = proxyActivities<Pick<Activities, 'markTaskRunning' | 'markTaskSucceeded' | 'markTaskFailed'>>(statusUpdate);
const { reindexTenantRange } = proxyActivities<Pick<Activities, 'reindexTenantRange'>>(reindexing);

/**
 * An operator's rebuild of a tenant's search documents from PostgreSQL (e.g. after an index loss).
 * The work is one heartbeating activity, so a crashed worker's successor resumes from its position.
 */
export async function reindexTenantWorkflow(input: TaskInput): Promise<ReindexTenantResult> {
  const { workflowId, runId } = workflowInfo();
  await status.markTaskRunning({ ...input, workflowId, runId });
  try {
    const result = await reindexTenantRange(input);
    await status.markTaskSucceeded({ ...input, result: { ...result } });
    return result;
  } catch (error) {
    await status.markTaskFailed({ ...input, error: failureMessage(error) });
    throw error;
  }
}
