import type { Pool } from 'pg';
import { planLogPartitions } from '../../domain/log-partition-plan';
import { createLogPartition, listLogPartitions } from '../../adapters/postgres/log-partitions';

export interface LogPartitionSettings {
  /** EVENT_TIMESTAMP_HORIZON_YEARS: yearly partitions reach back to 1 January of that many years ago. */
  horizonYears: number;
  /** LOG_PARTITION_MONTHS_AHEAD: monthly partitions exist this far past the current month. */
  monthsAhead: number;
}

export interface LogPartitionRun {
  /** Names of the partitions this run created (none when everything was in place). */
  created: string[];
  /** Partitions of `logs` after the run. */
  total: number;
}

/**
 * Creates every partition the plan says is missing at `now`, idempotently: what provisioning runs
 * at migrate time and the daily `log-partitions` Schedule runs after it. A concurrent run creating
 * the same partition is harmless (the plan is the same, the names are the same).
 */
export async function ensureLogPartitions(pool: Pool, settings: LogPartitionSettings, now = new Date()): Promise<LogPartitionRun> {
  const existing = await listLogPartitions(pool);
  const missing = planLogPartitions({ now, ...settings, existing });
  for (const range of missing) await createLogPartition(pool, range);
  const after = await listLogPartitions(pool);
  const before = new Set(existing.map((partition) => partition.name));
  return { created: after.filter((partition) => !before.has(partition.name)).map((partition) => partition.name), total: after.length };
}
