import { v7 as uuidv7 } from 'uuid';
import { tasksRepository } from '../../adapters/postgres/tasks-repository';
import type { TaskOutbox } from '../delivery/task-outbox';
import { checkCutoff, InvalidCutoffError } from './cutoff-rules';
import type { ArchivePayload } from './retention-tasks';

export interface CleanupRequesterDeps {
  outbox: TaskOutbox;
  /** Rows per archive part, recorded on each task so its parts are cut the same way on every attempt. */
  partMaxRows: number;
  now?: () => Date;
}

export interface CleanupRequester {
  /**
   * Starts the retention chain for one tenant: writes the `archive` task (the outbox row) and
   * publishes it after commit. The archive run creates the `log_cleanup` task once the archive is
   * verified. Used by `DELETE /logs/cleanup` and by the scheduled retention.
   */
  requestCleanup(tenantId: string, userId: string, beforeDate: Date): Promise<{ taskId: string }>;
}

export function createCleanupRequester(deps: CleanupRequesterDeps): CleanupRequester {
  const now = deps.now ?? (() => new Date());
  return {
    async requestCleanup(tenantId, userId, beforeDate) {
      const requestedAt = now();
      const problems = checkCutoff(beforeDate, requestedAt);
      if (problems.length > 0) throw new InvalidCutoffError(`before_date ${problems.map((p) => p.message).join('; ')}`);
      const taskId = uuidv7();
      const payload: ArchivePayload = {
        before_date: beforeDate.toISOString(),
        snapshot_at: requestedAt.toISOString(),
        part_max_rows: deps.partMaxRows,
      };
      return deps.outbox.commit(tenantId, async (tx) => {
        await tasksRepository(tx).create(tenantId, { taskId, taskType: 'archive', userId, payload });
        return { value: { taskId }, publish: [{ taskId, tenantId, taskType: 'archive' }] };
      });
    },
  };
}
