import { v7 as uuidv7 } from 'uuid';
import { restoresRepository } from '../../adapters/postgres/restores-repository';
import { tasksRepository } from '../../adapters/postgres/tasks-repository';
import type { RestorePayload } from '../../domain/restore';
import type { TaskOutbox } from '../delivery/task-outbox';

export interface RestoreRequest {
  startTime: string;
  endTime: string;
  expiresInDays: number;
}

/** Another restore of an overlapping range of the tenant is pending or running; `taskId` names it. */
export class RestoreBusyError extends Error {
  override readonly name = 'RestoreBusyError';
  constructor(readonly taskId: string) {
    super(`restore task ${taskId} of an overlapping range is still running; wait for it to finish`);
  }
}

/**
 * Writes the restore row and its `restore` task (the outbox) in one tenant transaction and
 * publishes the task; the bridge starts restoreWorkflow. Requests of one tenant are serialised for
 * the overlap check, so two overlapping restores never run at once.
 */
export function createRestoreRequester(deps: { outbox: TaskOutbox; now?: () => Date }) {
  const now = deps.now ?? (() => new Date());
  return {
    async request(tenantId: string, userId: string, request: RestoreRequest): Promise<{ taskId: string; restoreId: string }> {
      const taskId = uuidv7();
      const restoreId = uuidv7();
      const expiresAt = new Date(now().getTime() + request.expiresInDays * 24 * 3_600_000).toISOString();
      const payload: RestorePayload = { restore_id: restoreId, start_time: request.startTime, end_time: request.endTime };
      return deps.outbox.commit(tenantId, async (tx) => {
        const restores = restoresRepository(tx);
        await restores.lockTenant(tenantId);
        const running = await restores.findRunningOverlap(tenantId, request.startTime, request.endTime);
        if (running) throw new RestoreBusyError(running);
        await tasksRepository(tx).create(tenantId, { taskId, taskType: 'restore', userId, payload: { ...payload } });
        await restores.create(tenantId, { restoreId, taskId, startTime: request.startTime, endTime: request.endTime, expiresAt });
        return { value: { taskId, restoreId }, publish: [{ taskId, tenantId, taskType: 'restore' }] };
      });
    },
  };
}

export type RestoreRequester = ReturnType<typeof createRestoreRequester>;
