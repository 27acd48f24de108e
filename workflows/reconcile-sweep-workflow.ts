import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities/create-activities';
import type { ReconcileSweepPage } from '../activities/reconcile-sweep-activities';
import { reconcileSweep } from './activity-presets';

const { requestReconciles } = proxyActivities<Pick<Activities, 'requestReconciles'>>(reconcileSweep);

const TENANTS_PER_BATCH = 100;

export interface ReconcileSweepResult {
  requested: number;
  skipped: number;
}

/**
 * The run the `reconcile-sweep` Schedule starts: a `reconcile` task for every tenant (each then runs
 * as its own task, visible and retryable like any other), a page of tenants per activity.
 */
export async function reconcileSweepWorkflow(): Promise<ReconcileSweepResult> {
  const total: ReconcileSweepResult = { requested: 0, skipped: 0 };
  let afterTenantId: string | null = null;
  for (;;) {
    const page: ReconcileSweepPage = await requestReconciles({ afterTenantId, limit: TENANTS_PER_BATCH });
    if (page.lastTenantId === null) break;
    total.requested += page.requested;
    total.skipped += page.skipped;
    afterTenantId = page.lastTenantId;
  }
  return total;
}
