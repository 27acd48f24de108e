import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities/create-activities';
import type { ReindexTenantResult } from '../activities/reindex-tenant-activities';
import type { TaskInput } from '../activities/task-status-activities';
import { reindexing } from './activity-presets';
import { runTask } from './task-run';

const { reindexTenantRange } = proxyActivities<Pick<Activities, 'reindexTenantRange'>>(reindexing);

/**
 * An operator's rebuild of a tenant's search documents from PostgreSQL (e.g. after an index loss).
 * The work is one heartbeating activity, so a crashed worker's successor resumes from its position.
 */
export async function reindexTenantWorkflow(input: TaskInput): Promise<ReindexTenantResult> {
  return runTask(input, () => reindexTenantRange(input), { resultOf: (result) => ({ ...result }) });
}
