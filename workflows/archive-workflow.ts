import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities/create-activities';
import type { TaskInput } from '../activities/task-status-activities';
import { archiveStep, archiveStreaming, archiveVerification } from './activity-presets';
import { runTask } from './task-run';

const { writeArchiveParts } = proxyActivities<Pick<Activities, 'writeArchiveParts'>>(archiveStreaming);
const { verifyArchive } = proxyActivities<Pick<Activities, 'verifyArchive'>>(archiveVerification);
const { writeArchiveManifest, completeArchive } = proxyActivities<Pick<Activities, 'writeArchiveManifest' | 'completeArchive'>>(archiveStep);

export interface ArchiveOutcome {
  manifestKey: string;
  rows: number;
  parts: number;
  cleanupTaskId: string;
}

/**
 * Archives a tenant's events older than the task's cutoff: parts to S3, a manifest, a full
 * read-back verification, then (one transaction) the task succeeds and the `log_cleanup` task is
 * created. Started again for a retried task, it resumes after the parts already recorded.
 */
export async function archiveWorkflow(input: TaskInput): Promise<ArchiveOutcome> {
  // completeArchive marks the task succeeded in the transaction that creates the cleanup task.
  return runTask(input, async () => {
    const written = await writeArchiveParts(input);
    const manifest = await writeArchiveManifest({ ...input, written });
    await verifyArchive({ ...input, manifest });
    const { cleanupTaskId } = await completeArchive({ ...input, manifest });
    return { manifestKey: manifest.manifestKey, rows: manifest.rows, parts: manifest.parts, cleanupTaskId };
  });
}
