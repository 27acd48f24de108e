import { v7 as uuidv7 } from 'uuid';
import { isSecondChain, retentionChainRepository } from '../../adapters/postgres/retention-chain-repository';
import { tasksRepository } from '../../adapters/postgres/tasks-repository';
import type { TaskOutbox } from '../delivery/task-outbox';
import { checkCutoff, InvalidCutoffError } from './cutoff-rules';
import { RetentionChainBusyError } from './retention-chain-busy';
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
   * Throws RetentionChainBusyError while the tenant has an unfinished chain: PostgreSQL refuses the
   * second one (migration 080), however many API processes and sweeps ask at once.
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
      // The look-up answers most second requests with the holder's id; the unique index refuses the
      // rest (two inserts racing past the look-up), and the next attempt then finds the winner.
      for (let attempt = 1; ; attempt += 1) {
        try {
          return await deps.outbox.commit(tenantId, async (tx) => {
            const blocker = await retentionChainRepository(tx).findUnfinished(tenantId);
            if (blocker) throw new RetentionChainBusyError(blocker);
            await tasksRepository(tx).create(tenantId, { taskId, taskType: 'archive', userId, payload });
            return { value: { taskId }, publish: [{ taskId, tenantId, taskType: 'archive' }] };
          });
        } catch (error) {
          if (!isSecondChain(error) || attempt === 3) throw error;
        }
      }
    },
  };
}
