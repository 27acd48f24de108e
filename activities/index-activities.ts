import type { Pool } from 'pg';
import { logsRepository } from '../adapters/postgres/logs-repository';
import { tasksRepository } from '../adapters/postgres/tasks-repository';
import { withTenantTx } from '../adapters/postgres/tenant-transaction';
import type { LogIndexer } from '../adapters/opensearch/log-indexer';
import { TaskNotFoundError } from './errors';
import type { TaskInput } from './task-status-activities';

export interface IndexResult {
  indexed: number;
  /** Ids named by the task whose rows no longer exist (deleted by retention since). */
  missing: number;
}

const INDEX_BATCH = 1000;

export function createIndexActivities(deps: { pool: Pool; indexer: LogIndexer }) {
  return {
    /** Loads the task's events from PostgreSQL and indexes them; re-running overwrites the same documents. */
    async indexTaskLogs(input: TaskInput): Promise<IndexResult> {
      const { tenantId, taskId } = input;
      const task = await withTenantTx(deps.pool, tenantId, async (tx) => {
        const tasks = tasksRepository(tx);
        await tasks.recordAttempt(tenantId, taskId);
        return tasks.findById(tenantId, taskId);
      });
      if (!task) throw new TaskNotFoundError(`task ${taskId} does not exist in tenant ${tenantId}`);
      const ids = Array.isArray(task.payload.log_ids) ? (task.payload.log_ids as string[]) : [];
      let indexed = 0;
      for (let start = 0; start < ids.length; start += INDEX_BATCH) {
        const batch = ids.slice(start, start + INDEX_BATCH);
        const events = await withTenantTx(deps.pool, tenantId, (tx) => logsRepository(tx).findByIds(tenantId, batch));
        indexed += await deps.indexer.indexEvents(tenantId, events);
        await withTenantTx(deps.pool, tenantId, (tx) => tasksRepository(tx).recordProgress(tenantId, taskId, start + batch.length, ids.length));
      }
      return { indexed, missing: ids.length - indexed };
    },
  };
}
