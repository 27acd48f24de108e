import { Context } from '@temporalio/activity';
import type { Pool } from 'pg';
import { indexTaskRuns, type IndexTaskOutcome } from '../db/index-task-runs';
import { logsRepository } from '../db/logs-repository';
import { withTenantTx } from '../db/tenant-transaction';
import type { LogIndexer } from '../search/log-indexer';

/** One tenant's reindex tasks that one run carries to search together. */
export interface IndexBatchInput {
  tenantId: string;
  taskIds: string[];
}

export interface IndexBatchRun extends IndexBatchInput {
  workflowId: string;
  runId: string;
}

/** Rows loaded and sent to OpenSearch per `_bulk` request. */
const ROWS_PER_BULK = 2000;

export function createIndexBatchActivities(deps: { pool: Pool; indexer: LogIndexer }) {
  const inTenant = <T>(tenantId: string, work: (runs: ReturnType<typeof indexTaskRuns>) => Promise<T>) =>
    withTenantTx(deps.pool, tenantId, (tx) => work(indexTaskRuns(tx)));

  return {
    /** Marks the batch's unclaimed tasks running under this run; returns the ones it now holds. */
    claimIndexTasks: (run: IndexBatchRun): Promise<string[]> =>
      inTenant(run.tenantId, (runs) => runs.claim(run.tenantId, run.taskIds, run.workflowId, run.runId)),

    /**
     * Loads the held tasks' events and bulk-indexes them, heartbeating after each bulk request;
     * re-running overwrites the same documents (`_id` = log id). Ids whose rows are gone (deleted by
     * retention since) count as missing.
     */
    async indexClaimedTasks(run: Omit<IndexBatchRun, 'runId'>): Promise<IndexTaskOutcome[]> {
      const { tenantId, workflowId } = run;
      const tasks = await inTenant(tenantId, (runs) => runs.startAttempt(tenantId, run.taskIds, workflowId));
      const logIds = [...new Set(tasks.flatMap((task) => task.logIds))];
      const found = new Set<string>();
      for (let start = 0; start < logIds.length; start += ROWS_PER_BULK) {
        const slice = logIds.slice(start, start + ROWS_PER_BULK);
        const events = await withTenantTx(deps.pool, tenantId, (tx) => logsRepository(tx).findByIds(tenantId, slice));
        await deps.indexer.indexEvents(tenantId, events);
        for (const event of events) found.add(event.id);
        Context.current().heartbeat(start + slice.length);
      }
      return tasks.map(({ taskId, logIds: ids }) => {
        const indexed = ids.filter((id) => found.has(id)).length;
        return { taskId, indexed, missing: ids.length - indexed };
      });
    },

    async completeIndexTasks(input: { tenantId: string; workflowId: string; outcomes: IndexTaskOutcome[] }): Promise<void> {
      await inTenant(input.tenantId, (runs) => runs.complete(input.tenantId, input.workflowId, input.outcomes));
    },

    async failIndexTasks(input: { tenantId: string; taskIds: string[]; workflowId: string; error: string }): Promise<void> {
      await inTenant(input.tenantId, (runs) => runs.fail(input.tenantId, input.taskIds, input.workflowId, input.error));
    },
  };
}
