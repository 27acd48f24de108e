import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities/create-activities';
import type { TaskInput } from '../activities/task-status-activities';
import type { ExportJobResult } from '../features/export/export-job';
import { exportStreaming } from './activity-presets';
import { runTask } from './task-run';

const { writeExportObject } = proxyActivities<Pick<Activities, 'writeExportObject'>>(exportStreaming);

/** An export job: the rows of a filter, gzip-compressed into one object in the archive bucket. */
export async function exportWorkflow(input: TaskInput): Promise<ExportJobResult> {
  return runTask(input, () => writeExportObject(input), { resultOf: (result) => ({ ...result }) });
}
