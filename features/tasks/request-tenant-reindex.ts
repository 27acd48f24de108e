import { v7 as uuidv7 } from 'uuid';
import { tasksRepository } from '../../adapters/postgres/tasks-repository';
import type { TaskOutbox } from '../delivery/task-outbox';

export interface TenantReindexRequest {
  tenantId: string;
  userId: string;
  /** Inclusive; absent means the tenant's oldest event. */
  startTime?: Date;
  /** Exclusive; absent means no upper bound, so events written during the run are included too. */
  endTime?: Date;
}

/**
 * Writes a `reindex_tenant` task (the outbox) describing a time range, then publishes it; the
 * bridge starts reindexTenantWorkflow, which rebuilds the tenant's documents from PostgreSQL.
 */
export function createTenantReindexRequester(deps: { outbox: TaskOutbox }) {
  return {
    async request(request: TenantReindexRequest): Promise<{ taskId: string }> {
      const { tenantId } = request;
      const taskId = uuidv7();
      return deps.outbox.commit(tenantId, async (tx) => {
        await tasksRepository(tx).create(tenantId, {
          taskId,
          taskType: 'reindex_tenant',
          userId: request.userId,
          payload: { start_time: request.startTime?.toISOString() ?? null, end_time: request.endTime?.toISOString() ?? null },
        });
        return { value: { taskId }, publish: [{ taskId, tenantId, taskType: 'reindex_tenant' }] };
      });
    },
  };
}

export type TenantReindexRequester = ReturnType<typeof createTenantReindexRequester>;
