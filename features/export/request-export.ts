import { v7 as uuidv7 } from 'uuid';
import { tasksRepository } from '../../adapters/postgres/tasks-repository';
import type { TaskOutbox } from '../delivery/task-outbox';
import type { ExportJobRequest } from './export-job';

/**
 * Writes an `export` task (the outbox) holding the validated filters and format, then publishes it;
 * the bridge starts exportWorkflow, which streams the rows into the archive bucket.
 */
export function createExportRequester(deps: { outbox: TaskOutbox }) {
  return {
    async request(tenantId: string, userId: string, request: ExportJobRequest): Promise<{ taskId: string }> {
      const taskId = uuidv7();
      return deps.outbox.commit(tenantId, async (tx) => {
        await tasksRepository(tx).create(tenantId, { taskId, taskType: 'export', userId, payload: { format: request.format, filter: request.filter } });
        return { value: { taskId }, publish: [{ taskId, tenantId, taskType: 'export' }] };
      });
    },
  };
}

export type ExportRequester = ReturnType<typeof createExportRequester>;
