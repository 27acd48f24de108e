import { Context } from '@temporalio/activity';
import type { Pool } from 'pg';
import { restoresDueForRemoval, restoresRepository } from '../adapters/postgres/restores-repository';
import { tasksRepository } from '../adapters/postgres/tasks-repository';
import { withTenantTx } from '../adapters/postgres/tenant-transaction';
import type { RestoredCopies } from '../adapters/opensearch/restored-copies';
import { InvalidTaskPayloadError, TaskNotFoundError } from '../domain/task-errors';
import type { RestoreAdmin } from '../features/restore/restore-admin';
import type { RestoreRange, RestoreRun } from '../features/restore/restore-run';
import type { TaskInput } from './task-status-activities';
import { heartbeatingWhile } from './heartbeating-while';

export interface RestoreLoadResult {
  restore_id: string;
  parts: number;
  rows: number;
  expires_at: string;
}

/** Restores removed per expiry activity call; the workflow calls again while any are due. */
const REMOVALS_PER_CALL = 50;

export function createRestoreActivities(deps: { pool: Pool; restoreRun: RestoreRun; restoreAdmin: RestoreAdmin; copies: RestoredCopies }) {
  /** The task's restore, read back by id: what the task names must be a restore of its own tenant. */
  async function rangeOf(input: TaskInput, countAttempt: boolean): Promise<RestoreRange> {
    const { tenantId, taskId } = input;
    return withTenantTx(deps.pool, tenantId, async (tx) => {
      const tasks = tasksRepository(tx);
      if (countAttempt) await tasks.recordAttempt(tenantId, taskId);
      const task = await tasks.findById(tenantId, taskId);
      if (!task) throw new TaskNotFoundError(`task ${taskId} does not exist in tenant ${tenantId}`);
      const restoreId = task.payload.restore_id;
      const restore = typeof restoreId === 'string' ? await restoresRepository(tx).find(tenantId, restoreId, new Date()) : undefined;
      if (!restore || restore.task_id !== taskId) throw new InvalidTaskPayloadError(`task ${taskId} names no restore of tenant ${tenantId}`);
      return { tenantId, restoreId: restore.restore_id, startTime: restore.start_time, endTime: restore.end_time, expiresAt: restore.expires_at };
    });
  }

  const recordProgress = (input: TaskInput, done: number, total: number) =>
    withTenantTx(deps.pool, input.tenantId, (tx) => tasksRepository(tx).recordProgress(input.tenantId, input.taskId, done, total));

  return {
    /** Chooses the archive parts to load (once; a later attempt reuses the recorded plan). */
    async planRestore(input: TaskInput): Promise<{ parts: number }> {
      const range = await rangeOf(input, false);
      await deps.copies.ensureIndex();
      const parts = await deps.restoreRun.plan(range);
      await recordProgress(input, parts.filter((part) => part.loadedRows !== null).length, parts.length);
      return { parts: parts.length };
    },

    /**
     * Loads every part of the plan not loaded yet, in order, heartbeating rows as they are written.
     * A worker that dies mid-part is replaced; the next attempt loads that part again whole (same
     * document ids, so nothing doubles) and skips the parts already marked loaded.
     */
    async loadRestoreParts(input: TaskInput): Promise<RestoreLoadResult> {
      const context = Context.current();
      const range = await rangeOf(input, true);
      const plan = await deps.restoreRun.plan(range);
      let rows = plan.reduce((sum, part) => sum + (part.loadedRows ?? 0), 0);
      let done = plan.filter((part) => part.loadedRows !== null).length;
      for (const part of plan) {
        if (part.loadedRows !== null) continue;
        const before = rows;
        let partRows = 0;
        const position = () => ({ part: part.position, rows: before + partRows });
        context.heartbeat(position());
        // The part is read back, checked and held to the sealed log before its first batch loads: beat through that too.
        rows += await heartbeatingWhile(
          deps.restoreRun.loadPart(range, part, {
            signal: context.cancellationSignal,
            onBatch: (loaded) => {
              partRows = loaded;
              context.heartbeat(position());
            },
          }),
          position,
        );
        done += 1;
        await recordProgress(input, done, plan.length);
        await deps.restoreRun.recordRows(range, rows);
      }
      await deps.copies.refresh();
      await deps.restoreRun.recordRows(range, rows);
      return { restore_id: range.restoreId, parts: plan.length, rows, expires_at: range.expiresAt };
    },

    /** The expiry schedule's work: deletes the copies of every restore past expires_at (or deleted early) as of `asOf`. */
    async removeExpiredRestores(input: { asOf: string }): Promise<{ removed: number; copies: number; more: boolean }> {
      const due = await restoresDueForRemoval(deps.pool, new Date(input.asOf), REMOVALS_PER_CALL);
      let copies = 0;
      for (const { tenantId, restoreId } of due) {
        Context.current().heartbeat(restoreId);
        copies += await deps.restoreAdmin.removeCopies(tenantId, restoreId);
      }
      return { removed: due.length, copies, more: due.length === REMOVALS_PER_CALL };
    },
  };
}
