import type { Pool } from 'pg';
import { tenantIdsAfter } from '../adapters/postgres/reconcile-sweep-repository';
import type { ReconcileRequester } from '../features/tasks/request-reconcile';

/** The user_id the scheduled reconciliation writes on the tasks it requests. */
export const RECONCILE_SCHEDULER = 'reconcile-schedule';

export interface ReconcileSweepPage {
  /** The last tenant of the page; null when there were none left. */
  lastTenantId: string | null;
  requested: number;
  /** Tenants whose previous reconcile was still pending or running. */
  skipped: number;
}

export function createReconcileSweepActivities(deps: { pool: Pool; reconciles: ReconcileRequester }) {
  return {
    /** Requests a whole-range `reconcile` task for each tenant of the next page. */
    async requestReconciles(input: { afterTenantId: string | null; limit: number }): Promise<ReconcileSweepPage> {
      const tenantIds = await tenantIdsAfter(deps.pool, input.afterTenantId, input.limit);
      let requested = 0;
      for (const tenantId of tenantIds) {
        if (await deps.reconciles.requestIfIdle({ tenantId, userId: RECONCILE_SCHEDULER })) requested += 1;
      }
      return { lastTenantId: tenantIds[tenantIds.length - 1] ?? null, requested, skipped: tenantIds.length - requested };
    },
  };
}
