import type { LogEvent } from '../../domain/log-event';
import { SELECT_COLUMNS, toLogEvent, type LogRow } from './logs-repository';
import { assertTenant, type TenantTx } from './tenant-transaction';

/** An event with its position in the tenant's commit order (migration 095), `seq` as GET /logs/{id} shows it. */
export interface StoredPositionedEvent {
  position: number;
  event: LogEvent & { seq: number | null };
}

/** Reads a tenant's events by position, for resuming a live tail. */
export function logPositionsRepository(tx: TenantTx) {
  return {
    /** The last position taken so far (0 before the tenant's first event): every position up to it is committed. */
    async highWater(tenantId: string): Promise<number> {
      assertTenant(tx, tenantId);
      const { rows } = await tx.client.query<{ last_position: string }>('SELECT last_position FROM log_positions WHERE tenant_id = $1', [tenantId]);
      return Number(rows[0]?.last_position ?? 0);
    },

    /** Up to `limit` events at positions `from`..`to`, in position order; deleted events are simply absent. */
    async between(tenantId: string, from: number, to: number, limit: number): Promise<StoredPositionedEvent[]> {
      assertTenant(tx, tenantId);
      const { rows } = await tx.client.query<LogRow & { position: string; seq: string | null }>(
        `SELECT position, ${SELECT_COLUMNS},
                (SELECT i.seq FROM integrity_leaves i WHERE i.tenant_id = logs.tenant_id AND i.log_id = logs.id) AS seq
           FROM logs
          WHERE tenant_id = $1 AND position BETWEEN $2 AND $3
          ORDER BY position
          LIMIT $4`,
        [tenantId, from, to, limit],
      );
      return rows.map(({ position, seq, ...row }) => ({ position: Number(position), event: { ...toLogEvent(row), seq: seq === null ? null : Number(seq) } }));
    },
  };
}
