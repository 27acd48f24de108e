import type { Pool } from 'pg';
import { tenantsRepository, type Tenant } from '../../adapters/postgres/tenants-repository';
import type { RateLimitPolicy } from '../../adapters/redis/tenant-rate-limiter';
import type { TenantView } from '../../domain/tenant';
import type { IngestService } from '../ingest/ingest-service';
import type { AccessRevocations } from './access-revocations';
import { platformEventRow } from './tenant-events';
import { tenantView } from './tenant-view';

export interface TenantSuspensionDeps {
  pool: Pool;
  ingest: IngestService;
  revocations: Pick<AccessRevocations, 'announce'>;
  defaults: RateLimitPolicy;
}

/** Another request put the tenant in the wanted state first: nothing to change, nothing to record. */
class AlreadyInStateError extends Error {
  override readonly name = 'AlreadyInStateError';
}

/**
 * Suspending a tenant refuses every one of its tokens (on every API process) while keeping its logs,
 * its archives and its retention; resuming accepts them again. Each change commits together with its
 * `tenant.suspended` or `tenant.resumed` event in the tenant's own log; asking for the state the
 * tenant is already in changes and records nothing.
 */
export function createTenantSuspension(deps: TenantSuspensionDeps) {
  const { pool, ingest, revocations, defaults } = deps;

  async function setSuspended(tenantId: string, suspended: boolean, actor: string): Promise<TenantView | undefined> {
    const current = await tenantsRepository(pool).findById(tenantId);
    if (!current) return undefined;
    if ((current.suspended_at !== null) === suspended) return tenantView(current, defaults);
    const event = platformEventRow(
      {
        action: suspended ? 'tenant.suspended' : 'tenant.resumed',
        actor,
        resource: 'tenant',
        resourceId: tenantId,
        message: suspended ? `Tenant "${current.name}" suspended: none of its tokens is accepted.` : `Tenant "${current.name}" resumed: its tokens are accepted again.`,
        before: { suspended: !suspended },
        after: { suspended },
      },
      new Date(),
    );
    let changed: Tenant | undefined;
    try {
      await ingest.ingest(tenantId, actor, [event], {
        alsoInTransaction: async (tx) => {
          const repository = tenantsRepository(tx.client);
          const locked = await repository.findById(tenantId, { forUpdate: true });
          if ((locked?.suspended_at !== null) === suspended) throw new AlreadyInStateError('the tenant is already in this state');
          changed = await repository.setSuspended(tenantId, suspended);
        },
      });
    } catch (error) {
      if (!(error instanceof AlreadyInStateError)) throw error;
      const now = await tenantsRepository(pool).findById(tenantId);
      return now && tenantView(now, defaults);
    }
    await revocations.announce({ kind: suspended ? 'tenant-suspended' : 'tenant-resumed', tenant_id: tenantId });
    return tenantView(changed as Tenant, defaults);
  }

  return {
    suspend: (tenantId: string, actor: string) => setSuspended(tenantId, true, actor),
    resume: (tenantId: string, actor: string) => setSuspended(tenantId, false, actor),
  };
}

export type TenantSuspension = ReturnType<typeof createTenantSuspension>;
