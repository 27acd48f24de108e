import { v7 as uuidv7 } from 'uuid';
import { hasUnfinishedReconcile } from '../../adapters/postgres/reconcile-sweep-repository';
import { tasksRepository } from '../../adapters/postgres/tasks-repository';
import type { TaskOutbox } from '../delivery/task-outbox';

export interface ReconcileRequest {
  tenantId: string;
  userId: string;
  /** Inclusive; absent means the tenant's oldest event. */
  startTime?: Date;
  /** Exclusive; absent means no upper bound. */
  endTime?: Date;
}

/**
 * Writes a `reconcile` task (the outbox) and publishes it; the bridge starts reconcileWorkflow,
 * which compares the tenant's rows with its search documents and repairs the documents. Used by
 * `POST /reconcile` and, for every tenant, by the scheduled reconcile sweep.
 */
export function createReconcileRequester(deps: { outbox: TaskOutbox }) {
  async function create(request: ReconcileRequest, onlyIfIdle: boolean): Promise<{ taskId: string } | undefined> {
    const { tenantId } = request;
    const taskId = uuidv7();
    return deps.outbox.commit(tenantId, async (tx) => {
      if (onlyIfIdle && (await hasUnfinishedReconcile(tx, tenantId))) return { value: undefined, publish: [] };
      await tasksRepository(tx).create(tenantId, {
        taskId,
        taskType: 'reconcile',
        userId: request.userId,
        payload: { start_time: request.startTime?.toISOString() ?? null, end_time: request.endTime?.toISOString() ?? null },
      });
      return { value: { taskId }, publish: [{ taskId, tenantId, taskType: 'reconcile' as const }] };
    });
  }

  return {
    request: async (request: ReconcileRequest): Promise<{ taskId: string }> => (await create(request, false)) as { taskId: string },
    /** The schedule's request: nothing when the tenant's previous reconcile is still pending or running. */
    requestIfIdle: (request: ReconcileRequest): Promise<{ taskId: string } | undefined> => create(request, true),
  };
}

export type ReconcileRequester = ReturnType<typeof createReconcileRequester>;
