import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities/create-activities';
import type { IndexBatchInput } from '../activities/index-batch-activities';
import { batchIndexing, statusUpdate } from './activity-presets';
import { failureMessage } from './failure-message';

const status = proxyActivities<Pick<Activities, 'claimIndexTasks' | 'completeIndexTasks' | 'failIndexTasks'>>(statusUpdate);
const { indexClaimedTasks } = proxyActivities<Pick<Activities, 'indexClaimedTasks'>>(batchIndexing);

export interface IndexBatchResult {
  /** Tasks this run carried; a task another run had already claimed is not counted. */
  tasks: number;
  indexed: number;
  missing: number;
}

/**
 * Carries many reindex tasks of one tenant from PostgreSQL into OpenSearch in one run, so the cost
 * of a workflow is shared by every event that arrived while the bridge gathered them.
 */
export async function indexTaskBatchWorkflow(input: IndexBatchInput): Promise<IndexBatchResult> {
  const { workflowId, runId } = workflowInfo();
  const taskIds = await status.claimIndexTasks({ ...input, workflowId, runId });
  if (taskIds.length === 0) return { tasks: 0, indexed: 0, missing: 0 };
  try {
    const outcomes = await indexClaimedTasks({ tenantId: input.tenantId, taskIds, workflowId });
    await status.completeIndexTasks({ tenantId: input.tenantId, workflowId, outcomes });
    return {
      tasks: outcomes.length,
      indexed: outcomes.reduce((sum, outcome) => sum + outcome.indexed, 0),
      missing: outcomes.reduce((sum, outcome) => sum + outcome.missing, 0),
    };
  } catch (error) {
    await status.failIndexTasks({ tenantId: input.tenantId, taskIds, workflowId, error: failureMessage(error) });
    throw error;
  }
}
