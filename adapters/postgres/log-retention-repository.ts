import { assertTenant, type TenantTx } from './tenant-transaction';

/** One archived event to delete, by its full primary key, with its client `event_id` if it had one. */
export interface ArchivedEventRef {
  event_timestamp: string;
  id: string;
  event_id: string | null;
}

export interface RowsDeleted {
  logs: number;
  eventIds: number;
}

export function logRetentionRepository(tx: TenantTx) {
  return {
    /**
     * Deletes exactly these events (by `(tenant_id, event_timestamp, id)`) and their `event_id`
     * claims. Events already gone are skipped, so a repeated batch deletes nothing twice. Batches
     * come in archive order, so their first and last timestamps bound them and let PostgreSQL
     * prune to the partitions they touch (an out-of-order batch could only delete less, never more).
     */
    async deleteArchived(tenantId: string, events: readonly ArchivedEventRef[]): Promise<RowsDeleted> {
      assertTenant(tx, tenantId);
      if (events.length === 0) return { logs: 0, eventIds: 0 };
      const timestamps = events.map((e) => e.event_timestamp);
      const logs = await tx.client.query(
        `DELETE FROM logs l
          USING unnest($2::timestamptz[], $3::uuid[]) AS d(event_timestamp, id)
          WHERE l.tenant_id = $1 AND l.event_timestamp = d.event_timestamp AND l.id = d.id
            AND l.event_timestamp BETWEEN $4::timestamptz AND $5::timestamptz`,
        [tenantId, timestamps, events.map((e) => e.id), timestamps[0], timestamps.at(-1)],
      );
      const keyed = events.filter((e): e is ArchivedEventRef & { event_id: string } => e.event_id !== null);
      const claims = keyed.length === 0
        ? { rowCount: 0 }
        : await tx.client.query(
            `DELETE FROM log_event_ids c
              USING unnest($2::text[], $3::uuid[]) AS d(event_id, log_id)
              WHERE c.tenant_id = $1 AND c.event_id = d.event_id AND c.log_id = d.log_id`,
            [tenantId, keyed.map((e) => e.event_id), keyed.map((e) => e.id)],
          );
      return { logs: logs.rowCount ?? 0, eventIds: claims.rowCount ?? 0 };
    },
  };
}
