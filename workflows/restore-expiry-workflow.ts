import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities/create-activities';
import { restoreExpiry } from './activity-presets';

const { removeExpiredRestores } = proxyActivities<Pick<Activities, 'removeExpiredRestores'>>(restoreExpiry);

/** Bounds one run; what is left is removed by the next scheduled run. */
const MAX_CALLS = 100;

/**
 * The run the `restore-expiry` Schedule starts: deletes the restored copies of every restore whose
 * expires_at has passed, or that DELETE /restores/{id} ended early and could not finish removing.
 */
export async function restoreExpiryWorkflow(): Promise<{ removed: number; copies: number }> {
  const asOf = new Date(workflowInfo().startTime).toISOString();
  const total = { removed: 0, copies: 0 };
  for (let call = 0; call < MAX_CALLS; call += 1) {
    const { removed, copies, more } = await removeExpiredRestores({ asOf });
    total.removed += removed;
    total.copies += copies;
    if (!more) break;
  }
  return total;
}
