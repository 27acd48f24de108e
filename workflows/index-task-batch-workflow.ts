import { patched, proxyActivities, proxyLocalActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities/create-activities';
import type { IndexBatchInput } from '../activities/index-batch-activities';
import { batchIndexing, localStatusUpdate, statusUpdate } from './activity-presets';
import { listOnlyClaimed } from './claimed-run-attributes';
import { failureMessage } from './failure-message';

type StatusSteps = Pick<Activities, 'claimIndexTasks' | 'completeIndexTasks' | 'failIndexTasks'>;
const statusActivities = proxyActivities<StatusSteps>(statusUpdate);
const localStatusActivities = proxyLocalActivities<StatusSteps>(localStatusUpdate);
const { indexClaimedTasks } = proxyActivities<Pick<Activities, 'indexClaimedTasks'>>(batchIndexing);

export interface IndexBatchResult {
  /** Tenants and tasks this run carried; a task another run had already claimed is not counted. */
  tenants: number;
  tasks: number;
  indexed: number;
  missing: number;
  /** Tasks failed because OpenSearch refused a document of theirs. */
  rejected: number;
}

/**
 * Carries many reindex tasks, of any number of tenants, from PostgreSQL into OpenSearch in one run,
 * so the cost of a workflow is shared by every event that arrived while the bridge gathered them.
 */
export async function indexTaskBatchWorkflow(input: IndexBatchInput): Promise<IndexBatchResult> {
  const { workflowId, runId } = workflowInfo();
  // The claim and the completion are short writes of task rows: as local activities a run costs two
  // workflow tasks and one activity task instead of four and three. Runs begun before replay as they ran.
  const status = patched('index-status-local-activities') ? localStatusActivities : statusActivities;
  const tenants = await status.claimIndexTasks({ ...input, workflowId, runId });
  listOnlyClaimed(tenants, input.tenants.reduce((sum, tenant) => sum + tenant.taskIds.length, 0));
  if (tenants.length === 0) return { tenants: 0, tasks: 0, indexed: 0, missing: 0, rejected: 0 };
  try {
    const results = await indexClaimedTasks({ tenants, workflowId });
    await status.completeIndexTasks({ workflowId, tenants: results });
    const outcomes = results.flatMap((result) => result.outcomes);
    return {
      tenants: results.length,
      tasks: outcomes.length,
      indexed: outcomes.reduce((sum, outcome) => sum + outcome.indexed, 0),
      missing: outcomes.reduce((sum, outcome) => sum + outcome.missing, 0),
      rejected: outcomes.filter((outcome) => outcome.rejection).length,
    };
  } catch (error) {
    await status.failIndexTasks({ tenants, workflowId, error: failureMessage(error) });
    throw error;
  }
}
