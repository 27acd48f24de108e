import type { Pool, PoolClient } from 'pg';
import { isUuid } from '../../domain/uuid-text';

/** A connection inside a transaction whose row-level-security tenant is set. */
export interface TenantTx {
  readonly tenantId: string;
  readonly client: PoolClient;
}

function assertTenantId(tenantId: string): void {
  if (!isUuid(tenantId)) throw new TypeError('a tenant transaction needs a tenant id that is a UUID');
}

/**
 * Opens a transaction scoped to `tenantId` on a connection the caller holds (withTenantTx does this
 * for everything that needs no more than a callback). The tenant is inlined rather than bound so
 * that BEGIN and the setting share one round trip; only a UUID gets here.
 */
export async function beginTenantTx(client: PoolClient, tenantId: string): Promise<void> {
  assertTenantId(tenantId);
  await client.query(`BEGIN; SELECT set_config('app.tenant_id', '${tenantId}', true)`);
}

/**
 * Runs `work` in one transaction scoped to `tenantId`. The setting is transaction-local
 * (set_config(..., true)), so a pooled connection never carries it into another tenant's query.
 */
export async function withTenantTx<T>(pool: Pool, tenantId: string, work: (tx: TenantTx) => Promise<T>): Promise<T> {
  assertTenantId(tenantId);
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await beginTenantTx(client, tenantId);
    const result = await work({ tenantId, client });
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch((rollbackError: Error) => {
      broken = rollbackError;
    });
    throw error;
  } finally {
    client.release(broken);
  }
}

/** Guards the first wall: repositories filter by tenant in SQL and refuse a transaction of another tenant. */
export function assertTenant(tx: TenantTx, tenantId: string): void {
  if (tx.tenantId !== tenantId) throw new Error('repository called with a tenant other than its transaction\'s');
}
