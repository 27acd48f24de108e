import type { Pool } from 'pg';
import { v7 as uuidv7 } from 'uuid';
import { tasksRepository } from '../../adapters/postgres/tasks-repository';
import { withTenantTx } from '../../adapters/postgres/tenant-transaction';
import type { Logger } from '../../platform/observability/logger';
import type { TaskPublisher } from '../../adapters/sqs/task-publisher';

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
export function createTenantReindexRequester(deps: { pool: Pool; publisher: TaskPublisher; logger: Logger }) {
  return {
    async request(request: TenantReindexRequest): Promise<{ taskId: string }> {
      const { tenantId } = request;
      const taskId = uuidv7();
      await withTenantTx(deps.pool, tenantId, (tx) =>
        tasksRepository(tx).create(tenantId, {
          taskId,
          taskType: 'reindex_tenant',
          userId: request.userId,
          payload: { start_time: request.startTime?.toISOString() ?? null, end_time: request.endTime?.toISOString() ?? null },
        }),
      );
      await deps.publisher
        .publish({ taskId, tenantId, taskType: 'reindex_tenant' })
        .catch((error: unknown) => deps.logger.warn({ err: error, taskId, tenantId }, 'reindex publish failed; the outbox relay will retry'));
      return { taskId };
    },
  };
}

export type TenantReindexRequester = ReturnType<typeof createTenantReindexRequester>;
