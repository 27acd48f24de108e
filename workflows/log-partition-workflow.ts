import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities/create-activities';
import type { LogPartitionRun } from '../features/log-partitions/ensure-log-partitions';
import { partitionMaintenance } from './activity-presets';

const { ensureLogPartitions } = proxyActivities<Pick<Activities, 'ensureLogPartitions'>>(partitionMaintenance);

/**
 * The daily run the `log-partitions` Schedule starts: the monthly partitions of `logs` for the
 * months ahead, and any yearly one the horizon needs, are created before an event needs them, so
 * ingest never does. The plan is computed in the activity, from its clock and the worker's settings.
 */
export async function logPartitionWorkflow(): Promise<LogPartitionRun> {
  return ensureLogPartitions();
}
