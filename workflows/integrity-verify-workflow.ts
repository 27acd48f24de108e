import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities/create-activities';
import type { TaskInput } from '../activities/task-status-activities';
import type { VerifyResult } from '../features/integrity/verify-log';
import { statusUpdate, verifying } from './activity-presets';
import { failureMessage } from './failure-message';

const status = proxyActivities<Pick<Activities, 'markTaskRunning' | 'markTaskSucceeded' | 'markTaskFailed'>>(statusUpdate);
const { verifyTenantLog } = proxyActivities<Pick<Activities, 'verifyTenantLog'>>(verifying);

/**
 * An `integrity_verify` task: recomputes the tenant's Merkle log and checks its checkpoints. Finding
 * tampering is a successful verification whose result lists the problems; the task fails only when
 * the check itself could not be carried out.
 */
export async function integrityVerifyWorkflow(input: TaskInput): Promise<VerifyResult> {
  const { workflowId, runId } = workflowInfo();
  await status.markTaskRunning({ ...input, workflowId, runId });
  try {
    const result = await verifyTenantLog(input);
    await status.markTaskSucceeded({ ...input, result: { ...result } });
    return result;
  } catch (error) {
    await status.markTaskFailed({ ...input, error: failureMessage(error) });
    throw error;
  }
}
