import { Context } from '@temporalio/activity';
import type { Pool } from 'pg';
import { tasksRepository } from '../adapters/postgres/tasks-repository';
import { withTenantTx } from '../adapters/postgres/tenant-transaction';
import { InvalidTaskPayloadError, TaskNotFoundError } from '../domain/task-errors';
import type { ExportExpiry } from '../features/export/export-expiry';
import { exportRequestOf, InvalidExportRequestError, type ExportJob, type ExportJobRequest, type ExportJobResult } from '../features/export/export-job';
import { heartbeatingWhile } from './heartbeating-while';
import type { TaskInput } from './task-status-activities';

/** How often the row count is heartbeated and mirrored into the task while rows stream. */
const PROGRESS_EVERY_MS = 1000;

export function createExportActivities(deps: { pool: Pool; exportJob: ExportJob; exportExpiry: ExportExpiry }) {
  const inTenant = <T>(tenantId: string, work: (tasks: ReturnType<typeof tasksRepository>) => Promise<T>) =>
    withTenantTx(deps.pool, tenantId, (tx) => work(tasksRepository(tx)));

  return {
    /**
     * Streams an export job's rows into its object, heartbeating the row count. A retried attempt
     * (after a worker died, or S3 failed) continues the same multipart upload after its last
     * recorded part (the record is in PostgreSQL, which a killed worker cannot lose).
     */
    async writeExportObject(input: TaskInput): Promise<ExportJobResult> {
      const context = Context.current();
      const { tenantId, taskId } = input;
      const task = await inTenant(tenantId, async (tasks) => {
        await tasks.recordAttempt(tenantId, taskId);
        return tasks.findById(tenantId, taskId);
      });
      if (!task) throw new TaskNotFoundError(`task ${taskId} does not exist in tenant ${tenantId}`);
      let request: ExportJobRequest;
      try {
        request = exportRequestOf(task.payload);
      } catch (error) {
        if (error instanceof InvalidExportRequestError) throw new InvalidTaskPayloadError(`task ${taskId}: ${error.message}`);
        throw error;
      }

      let reported = 0;
      let mirroring: Promise<unknown> = Promise.resolve();
      const report = (rows: number) => {
        context.heartbeat({ rows });
        // One mirror write at a time, so a slow database never queues writes behind the stream. The
        // mirror is advisory (the heartbeat is what keeps the attempt alive): a failed write leaves
        // the progress stale instead of failing the export or rejecting unobserved.
        mirroring = mirroring.then(() => inTenant(tenantId, (tasks) => tasks.recordProgress(tenantId, taskId, rows, null))).catch(() => undefined);
      };
      report(0);
      let rowsSoFar = 0;
      // Rows may not come for longer than the heartbeat timeout (a selective filter over a large
      // tenant before the first row, a part's upload to a slow S3): beat through those too, or a
      // second attempt would write the same upload beside this one.
      const result = await heartbeatingWhile(
        deps.exportJob.run(tenantId, taskId, request, {
          signal: context.cancellationSignal,
          // The SDK names why an attempt stops; only the workflow's cancellation gives the export up.
          abandoned: () => (context.cancellationSignal.reason as Error | undefined)?.message === 'CANCELLED',
          onRows: (rows) => {
            rowsSoFar = rows;
            const now = Date.now();
            if (now - reported < PROGRESS_EVERY_MS) return;
            reported = now;
            report(rows);
          },
        }),
        () => ({ rows: rowsSoFar }),
      );
      await mirroring;
      await inTenant(tenantId, (tasks) => tasks.recordProgress(tenantId, taskId, result.rows, result.rows));
      return result;
    },

    /** The daily sweep's part for export jobs: deletes objects, and aborts unfinished uploads, past EXPORT_RETENTION_DAYS as of `asOf`. */
    async deleteExpiredExports(input: { asOf: string }): Promise<{ deleted: number; aborted: number }> {
      return deps.exportExpiry.deleteExpired(new Date(input.asOf));
    },
  };
}
