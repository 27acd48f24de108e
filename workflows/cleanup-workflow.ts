import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { CleanupCounts } from '../activities/cleanup-activities';
import type { Activities } from '../activities/create-activities';
import type { TaskInput } from '../activities/task-status-activities';
import { archiveStep, archiveStreaming, statusUpdate } from './activity-presets';
import { failureMessage } from './failure-message';

const status = proxyActivities<Pick<Activities, 'markTaskRunning' | 'markTaskSucceeded' | 'markTaskFailed'>>(statusUpdate);
const { prepareCleanup } = proxyActivities<Pick<Activities, 'prepareCleanup'>>(archiveStep);
const { deleteArchivedEvents } = proxyActivities<Pick<Activities, 'deleteArchivedEvents'>>(archiveStreaming);

/**
 * Deletes exactly the events of a verified archive from PostgreSQL and then OpenSearch, and records
 * the counts on the `log_cleanup` task. Safe to run again: what is already gone is skipped.
 */
export async function cleanupWorkflow(input: TaskInput): Promise<CleanupCounts> {
  const { workflowId, runId } = workflowInfo();
  await status.markTaskRunning({ ...input, workflowId, runId });
  try {
    const plan = await prepareCleanup(input);
    const counts = await deleteArchivedEvents({ ...input, plan });
    await status.markTaskSucceeded({
      ...input,
      result: {
        archive_task_id: plan.archiveTaskId,
        manifest_key: plan.manifestKey,
        archived_rows: counts.archivedRows,
        deleted_rows: counts.deletedRows,
        deleted_event_ids: counts.deletedEventIds,
        deleted_documents: counts.deletedDocuments,
        absent_documents: counts.absentDocuments,
      },
    });
    return counts;
  } catch (error) {
    await status.markTaskFailed({ ...input, error: failureMessage(error) });
    throw error;
  }
}
