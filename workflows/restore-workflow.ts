import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities/create-activities';
import type { RestoreLoadResult } from '../activities/restore-activities';
import type { TaskInput } from '../activities/task-status-activities';
import { archiveStep, restoreLoading } from './activity-presets';
import { runTask } from './task-run';

const { planRestore } = proxyActivities<Pick<Activities, 'planRestore'>>(archiveStep);
const { loadRestoreParts } = proxyActivities<Pick<Activities, 'loadRestoreParts'>>(restoreLoading);

/**
 * A restore: pick the parts of the tenant's verified archives that overlap the range, then load
 * them as restored copies, each part checked against its manifest before any of its rows is written.
 */
export async function restoreWorkflow(input: TaskInput): Promise<RestoreLoadResult> {
  return runTask(
    input,
    async () => {
      await planRestore(input);
      return loadRestoreParts(input);
    },
    { resultOf: (result) => ({ ...result }) },
  );
}
