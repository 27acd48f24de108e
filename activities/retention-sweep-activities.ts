import type { Pool } from 'pg';
import { retentionSweepRepository, tenantsDueForRetention, type DueTenant } from '../adapters/postgres/retention-sweep-repository';
import { withTenantTx } from '../adapters/postgres/tenant-transaction';
import type { Logger } from '../platform/observability/logger';
import type { CleanupRequester } from '../features/retention/request-cleanup';
import { RetentionChainBusyError } from '../features/retention/retention-chain-busy';

/** The user_id the scheduled retention writes on the archive tasks it requests. */
export const RETENTION_SCHEDULER = 'retention-schedule';

export type RetentionOutcome =
  | { tenantId: string; outcome: 'requested'; taskId: string }
  | { tenantId: string; outcome: 'already-requested' | 'chain-unfinished'; taskId: string }
  | { tenantId: string; outcome: 'failed'; error: string };

export interface RetentionSweepActivityDeps {
  pool: Pool;
  requester: CleanupRequester;
  logger: Logger;
}

export function createRetentionSweepActivities(deps: RetentionSweepActivityDeps) {
  const { pool, requester, logger } = deps;

  /** One tenant, serialised against any concurrent sweep by a session advisory lock on the tenant. */
  async function requestOne(tenant: DueTenant): Promise<RetentionOutcome> {
    const { tenantId, cutoff } = tenant;
    const lock = await pool.connect();
    try {
      await lock.query("SELECT pg_advisory_lock(hashtextextended('retention-sweep:' || $1, 0))", [tenantId]);
      try {
        const blocker = await withTenantTx(pool, tenantId, (tx) => retentionSweepRepository(tx).findBlocker(tenantId, RETENTION_SCHEDULER, cutoff));
        if (blocker) {
          const outcome = blocker.status === 'succeeded' ? 'already-requested' : 'chain-unfinished';
          if (outcome === 'chain-unfinished') logger.warn({ tenantId, blocker }, 'retention waits: the tenant has an unfinished archive or cleanup task');
          return { tenantId, outcome, taskId: blocker.taskId };
        }
        try {
          const { taskId } = await requester.requestCleanup(tenantId, RETENTION_SCHEDULER, new Date(cutoff));
          return { tenantId, outcome: 'requested', taskId };
        } catch (error) {
          // An operator's DELETE /logs/cleanup (on any API process) won the tenant's chain slot meanwhile.
          if (!(error instanceof RetentionChainBusyError)) throw error;
          return { tenantId, outcome: 'chain-unfinished', taskId: error.taskId };
        }
      } finally {
        await lock.query("SELECT pg_advisory_unlock(hashtextextended('retention-sweep:' || $1, 0))", [tenantId]);
      }
    } finally {
      lock.release();
    }
  }

  return {
    async findTenantsDueForRetention(input: { asOf: string; afterTenantId: string | null; limit: number }): Promise<DueTenant[]> {
      return tenantsDueForRetention(pool, input.asOf, input.afterTenantId, input.limit);
    },

    /**
     * Starts the archive → cleanup chain for each due tenant, idempotently: a tenant whose chain for
     * this cutoff was already requested, or whose earlier chain has not succeeded, is left alone.
     * One tenant's failure is reported in its outcome and does not stop the others.
     */
    async requestRetentionCleanups(input: { tenants: DueTenant[] }): Promise<RetentionOutcome[]> {
      const outcomes: RetentionOutcome[] = [];
      for (const tenant of input.tenants) {
        try {
          outcomes.push(await requestOne(tenant));
        } catch (error) {
          logger.error({ err: error, tenantId: tenant.tenantId }, 'scheduled retention could not be requested');
          outcomes.push({ tenantId: tenant.tenantId, outcome: 'failed', error: (error as Error).message });
        }
      }
      return outcomes;
    },
  };
}
