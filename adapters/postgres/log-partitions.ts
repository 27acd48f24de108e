import type { DatabaseError, Pool, PoolClient } from 'pg';
import type { PartitionRange } from '../../domain/log-partition-plan';

type Queryable = Pick<Pool | PoolClient, 'query'>;

export interface LogPartition extends PartitionRange {
  name: string;
}

/** The partitions of `logs` with their ranges, oldest first (migration 050, `log_partition_ranges`). */
export async function listLogPartitions(db: Queryable): Promise<LogPartition[]> {
  const { rows } = await db.query<{ name: string; range_start: Date; range_end: Date }>(
    'SELECT name, range_start, range_end FROM log_partition_ranges ORDER BY range_start',
  );
  return rows.map((row) => ({ name: row.name, from: row.range_start, to: row.range_end }));
}

/**
 * Creates and attaches the partition for `range` (whole UTC months within one year); false when it
 * exists already. Attaching locks `logs` only against other DDL, so ingest and reads go on.
 */
export async function createLogPartition(db: Queryable, range: PartitionRange): Promise<boolean> {
  const { rows } = await db.query<{ created: boolean }>('SELECT create_log_partition($1, $2) AS created', [range.from, range.to]);
  return rows[0]?.created === true;
}

/** The ingest fallback: the previous, current and next month, if missing; returns how many were created (at most 3). */
export async function ensureRecentLogPartitions(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ created: number }>('SELECT ensure_recent_log_partitions() AS created');
  return rows[0]?.created ?? 0;
}

/** PostgreSQL refused a row because no partition of `logs` covers its `event_timestamp`. */
export function isMissingLogPartition(error: unknown): boolean {
  const { code, message } = error as Partial<DatabaseError>;
  return code === '23514' && typeof message === 'string' && message.startsWith('no partition of relation "logs"');
}
