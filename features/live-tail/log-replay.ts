import type { Pool } from 'pg';
import { logPositionsRepository, type StoredPositionedEvent } from '../../adapters/postgres/log-positions-repository';
import { withTenantTx } from '../../adapters/postgres/tenant-transaction';

/** What a resumed live tail reads from PostgreSQL: a tenant's events by commit-order position. */
export interface LogReplay {
  /** Every position up to this one is committed and visible (migration 095). */
  highWater(tenantId: string): Promise<number>;
  between(tenantId: string, from: number, to: number, limit: number): Promise<StoredPositionedEvent[]>;
}

export function createLogReplay(pool: Pool): LogReplay {
  return {
    highWater: (tenantId) => withTenantTx(pool, tenantId, (tx) => logPositionsRepository(tx).highWater(tenantId)),
    between: (tenantId, from, to, limit) => withTenantTx(pool, tenantId, (tx) => logPositionsRepository(tx).between(tenantId, from, to, limit)),
  };
}
