import type { Pool } from 'pg';
import { v7 as uuidv7 } from 'uuid';
import { tasksRepository } from '../../adapters/postgres/tasks-repository';
import { withTenantTx } from '../../adapters/postgres/tenant-transaction';
import type { TaskPublisher } from '../../adapters/sqs/task-publisher';
import type { Logger } from '../../platform/observability/logger';

export interface VerifyRequest {
  tenantId: string;
  userId: string;
  /** Events with event_timestamp in [startTime, endTime) have their leaves recomputed; the tree and every checkpoint are always checked whole. */
  startTime?: Date;
  endTime?: Date;
}

/** Writes an `integrity_verify` task (the outbox), then publishes it; the bridge starts integrityVerifyWorkflow. */
export function createVerifyRequester(deps: { pool: Pool; publisher: TaskPublisher; logger: Logger }) {
  return {
    async request(request: VerifyRequest): Promise<{ taskId: string }> {
      const { tenantId } = request;
      const taskId = uuidv7();
      await withTenantTx(deps.pool, tenantId, (tx) =>
        tasksRepository(tx).create(tenantId, {
          taskId,
          taskType: 'integrity_verify',
          userId: request.userId,
          payload: { start_time: request.startTime?.toISOString() ?? null, end_time: request.endTime?.toISOString() ?? null },
        }),
      );
      await deps.publisher
        .publish({ taskId, tenantId, taskType: 'integrity_verify' })
        .catch((error: unknown) => deps.logger.warn({ err: error, taskId, tenantId }, 'verify publish failed; the outbox relay will retry'));
      return { taskId };
    },
  };
}

export type VerifyRequester = ReturnType<typeof createVerifyRequester>;
