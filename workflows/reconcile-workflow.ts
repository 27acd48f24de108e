import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities/create-activities';
import type { ReconcileResult } from '../activities/reconcile-activities';
import type { TaskInput } from '../activities/task-status-activities';
import { reconciling } from './activity-presets';
import { runTask } from './task-run';

const { reconcileTenant } = proxyActivities<Pick<Activities, 'reconcileTenant'>>(reconciling);

/**
 * Compares one tenant's rows with its search documents and repairs the documents (never the rows);
 * the counts of what it found and did become the `reconcile` task's result. One heartbeating
 * activity, resumed from the last day it finished.
 */
export async function reconcileWorkflow(input: TaskInput): Promise<ReconcileResult> {
  return runTask(input, () => reconcileTenant(input), { resultOf: (result) => ({ ...result }) });
}
