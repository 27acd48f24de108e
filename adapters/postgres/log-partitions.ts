import type { Pool } from 'pg';

/**
 * Makes sure the monthly partitions for the given instants exist before rows are inserted.
 * Runs outside the insert transaction: creating a partition briefly locks the parent table.
 */
export function createLogPartitionEnsurer(pool: Pool) {
  const knownMonths = new Set<string>();
  return async function ensurePartitions(instants: Iterable<Date>): Promise<void> {
    const missing = new Map<string, Date>();
    for (const at of instants) {
      const month = at.toISOString().slice(0, 7);
      if (!knownMonths.has(month) && !missing.has(month)) missing.set(month, at);
    }
    for (const [month, at] of missing) {
      await pool.query('SELECT ensure_log_partition($1)', [at]);
      knownMonths.add(month);
    }
  };
}

export type EnsureLogPartitions = ReturnType<typeof createLogPartitionEnsurer>;
