import { proxyActivities } from '@temporalio/workflow';
import type { CleanupCounts } from '../activities/cleanup-activities';
import type { Activities } from '../activities/create-activities';
import type { TaskInput } from '../activities/task-status-activities';
import { archiveStep, archiveStreaming } from './activity-presets';
import { runTask } from './task-run';

const { prepareCleanup } = proxyActivities<Pick<Activities, 'prepareCleanup'>>(archiveStep);
const { deleteArchivedEvents } = proxyActivities<Pick<Activities, 'deleteArchivedEvents'>>(archiveStreaming);

/**
 * Deletes exactly the events of a verified archive from PostgreSQL and then OpenSearch, and records
 * the counts on the `log_cleanup` task. Safe to run again: what is already gone is skipped.
 */
export async function cleanupWorkflow(input: TaskInput): Promise<CleanupCounts> {
  const outcome = await runTask(
    input,
    async () => {
      const plan = await prepareCleanup(input);
      return { plan, counts: await deleteArchivedEvents({ ...input, plan }) };
    },
    {
      resultOf: ({ plan, counts }) => ({
        archive_task_id: plan.archiveTaskId,
        manifest_key: plan.manifestKey,
        archived_rows: counts.archivedRows,
        deleted_rows: counts.deletedRows,
        deleted_event_ids: counts.deletedEventIds,
        deleted_documents: counts.deletedDocuments,
        absent_documents: counts.absentDocuments,
      }),
    },
  );
  return outcome.counts;
}
