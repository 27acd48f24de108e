import { patched, proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities/create-activities';
import type { ReconcileResult } from '../activities/reconcile-activities';
import type { TaskInput } from '../activities/task-status-activities';
import { reconciling, sealing } from './activity-presets';
import { runTask } from './task-run';

const { reconcileTenant } = proxyActivities<Pick<Activities, 'reconcileTenant'>>(reconciling);
const { sealLeftWaiting } = proxyActivities<Pick<Activities, 'sealLeftWaiting'>>(sealing);

export interface ReconcileRunResult extends ReconcileResult {
  /** Events the tenant's sealer had left waiting, sealed by this run (0 when sealing is off). */
  sealed_events: number;
}

/**
 * Compares one tenant's rows with its search documents and repairs the documents (never the rows),
 * then seals what its sealer left waiting; the counts of what it found and did become the
 * `reconcile` task's result. Each a heartbeating activity; the comparison resumes from the last day
 * it finished.
 */
export async function reconcileWorkflow(input: TaskInput): Promise<ReconcileRunResult> {
  return runTask(
    input,
    async () => {
      const reconciled = await reconcileTenant(input);
      // Runs started before this step existed finish without it.
      const sealed = patched('reconcile-seals-left-waiting') ? await sealLeftWaiting(input) : { sealed: 0 };
      return { ...reconciled, sealed_events: sealed.sealed };
    },
    { resultOf: (result) => ({ ...result }) },
  );
}
