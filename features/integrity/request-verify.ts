import { v7 as uuidv7 } from 'uuid';
import { tasksRepository } from '../../adapters/postgres/tasks-repository';
import type { TaskOutbox } from '../delivery/task-outbox';

export interface VerifyRequest {
  tenantId: string;
  userId: string;
  /** Events with event_timestamp in [startTime, endTime) have their leaves recomputed; the tree and every checkpoint are always checked whole. */
  startTime?: Date;
  endTime?: Date;
}

/** Writes an `integrity_verify` task (the outbox), then publishes it; the bridge starts integrityVerifyWorkflow. */
export function createVerifyRequester(deps: { outbox: TaskOutbox }) {
  return {
    async request(request: VerifyRequest): Promise<{ taskId: string }> {
      const { tenantId } = request;
      const taskId = uuidv7();
      return deps.outbox.commit(tenantId, async (tx) => {
        await tasksRepository(tx).create(tenantId, {
          taskId,
          taskType: 'integrity_verify',
          userId: request.userId,
          payload: { start_time: request.startTime?.toISOString() ?? null, end_time: request.endTime?.toISOString() ?? null },
        });
        return { value: { taskId }, publish: [{ taskId, tenantId, taskType: 'integrity_verify' }] };
      });
    },
  };
}

export type VerifyRequester = ReturnType<typeof createVerifyRequester>;
