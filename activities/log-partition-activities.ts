import type { Pool } from 'pg';
import { ensureLogPartitions, type LogPartitionRun, type LogPartitionSettings } from '../features/log-partitions/ensure-log-partitions';

export interface LogPartitionActivityDeps {
  pool: Pool;
  settings: LogPartitionSettings;
}

export function createLogPartitionActivities(deps: LogPartitionActivityDeps) {
  return {
    /** Creates the partitions of `logs` the plan says are missing today; idempotent, so a retry or a second run is harmless. */
    async ensureLogPartitions(): Promise<LogPartitionRun> {
      return ensureLogPartitions(deps.pool, deps.settings);
    },
  };
}
