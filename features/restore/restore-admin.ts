import type { Pool } from 'pg';
import type { RestoredCopies } from '../../adapters/opensearch/restored-copies';
import { restoresRepository } from '../../adapters/postgres/restores-repository';
import { withTenantTx } from '../../adapters/postgres/tenant-transaction';
import type { Restore } from '../../domain/restore';
import type { Logger } from '../../platform/observability/logger';

export class RestoreNotFoundError extends Error {
  override readonly name = 'RestoreNotFoundError';
}

/** DELETE of a restore that is still loading: its copies would keep arriving after the removal. */
export class RestoreStillRunningError extends Error {
  override readonly name = 'RestoreStillRunningError';
  constructor(readonly taskId: string) {
    super(`the restore's task ${taskId} is still running; delete the restore once it has finished`);
  }
}

/**
 * Listing restores, and ending one early. Removal hides the copies at once (expires_at moves to
 * now, which every read honours), then deletes them; should the delete fail, the expiry schedule
 * finishes it, as it does for restores that reach their expiry.
 */
export function createRestoreAdmin(deps: { pool: Pool; copies: RestoredCopies; logger: Logger; now?: () => Date }) {
  const now = deps.now ?? (() => new Date());
  const inTenant = <T>(tenantId: string, work: (restores: ReturnType<typeof restoresRepository>) => Promise<T>) =>
    withTenantTx(deps.pool, tenantId, (tx) => work(restoresRepository(tx)));

  async function removeCopies(tenantId: string, restoreId: string): Promise<number> {
    const deleted = await deps.copies.remove(tenantId, restoreId);
    await inTenant(tenantId, (restores) => restores.markRemoved(tenantId, restoreId));
    return deleted;
  }

  return {
    list: (tenantId: string): Promise<Restore[]> => inTenant(tenantId, (restores) => restores.list(tenantId, now())),

    async remove(tenantId: string, restoreId: string): Promise<Restore> {
      const restore = await inTenant(tenantId, async (restores) => {
        const found = await restores.find(tenantId, restoreId, now());
        if (!found) throw new RestoreNotFoundError('No such restore.');
        if (found.status === 'pending' || found.status === 'running') throw new RestoreStillRunningError(found.task_id);
        await restores.expireNow(tenantId, restoreId);
        return found;
      });
      // Already hidden from every read; the expiry schedule retries a removal that fails here.
      await removeCopies(tenantId, restoreId).catch((error: unknown) => deps.logger.warn({ err: error, tenantId, restoreId }, 'restored copies not removed yet; the expiry run will'));
      return restore;
    },

    removeCopies,
  };
}

export type RestoreAdmin = ReturnType<typeof createRestoreAdmin>;
