import { Context } from '@temporalio/activity';
import type { Pool } from 'pg';
import { indexTaskRuns, type IndexTaskOutcome } from '../adapters/postgres/index-task-runs';
import { withTenantTx } from '../adapters/postgres/tenant-transaction';
import { sizedParts } from '../domain/sized-parts';
import { EVENT_PART_BYTES, type EventBytesBudget } from '../platform/memory/event-bytes-budget';
import type { LogDeleter } from '../adapters/opensearch/log-deleter';
import type { LogIndexer } from '../adapters/opensearch/log-indexer';
import { createStoredEventIndexer } from './index-stored-events';
import { outlastingOutages, type OutageRetryPolicy } from './outage-retries';

/** One tenant's share of an index run: its reindex tasks. */
export interface TenantTasks {
  tenantId: string;
  taskIds: string[];
}

/** The reindex tasks one run carries to search, grouped by tenant (each tenant in its own transactions). */
export interface IndexBatchInput {
  tenants: TenantTasks[];
}

export interface TenantOutcomes {
  tenantId: string;
  outcomes: IndexTaskOutcome[];
}

/** Rows loaded and sent to OpenSearch per `_bulk` request, at most. */
const ROWS_PER_BULK = 2000;

export function createIndexBatchActivities(deps: { pool: Pool; indexer: LogIndexer; logDeleter: LogDeleter; indexRetries: OutageRetryPolicy; eventBytes?: EventBytesBudget }) {
  const stored = createStoredEventIndexer(deps);
  const inTenant = <T>(tenantId: string, work: (runs: ReturnType<typeof indexTaskRuns>) => Promise<T>) =>
    withTenantTx(deps.pool, tenantId, (tx) => work(indexTaskRuns(tx)));

  /**
   * Loads one tenant's held tasks and bulk-indexes their events; ids whose rows are gone (deleted by
   * retention since) count as missing, and every id of a slice is re-checked after its write, so a
   * cleanup that raced the load cannot leave its deleted events in search (index-stored-events.ts).
   * A document OpenSearch refuses fails only the tasks carrying it.
   */
  async function indexTenant(tenantId: string, taskIds: readonly string[], workflowId: string, heartbeat: () => void): Promise<IndexTaskOutcome[]> {
    const tasks = await inTenant(tenantId, (runs) => runs.startAttempt(tenantId, taskIds, workflowId));
    const slices = sizedParts(tasks.map((task) => ({ ids: task.logIds, bytes: task.bytes })), { rows: ROWS_PER_BULK, bytes: EVENT_PART_BYTES });
    const { found, rejected } = await stored.indexParts(tenantId, slices, [], heartbeat);
    return tasks.map(({ taskId, logIds: ids }) => {
      const refused = ids.filter((id) => rejected.has(id));
      const indexed = ids.filter((id) => found.has(id) && !rejected.has(id)).length;
      const missing = ids.filter((id) => !found.has(id)).length;
      if (refused.length === 0) return { taskId, indexed, missing };
      const first = rejected.get(refused[0] as string) as string;
      return { taskId, indexed, missing, rejection: refused.length > 1 ? `${first} (and ${refused.length - 1} more of this task's documents)` : first };
    });
  }

  return {
    /** Marks each tenant's unclaimed tasks running under this run; returns the tasks it now holds, tenants without any left out. */
    async claimIndexTasks(run: IndexBatchInput & { workflowId: string; runId: string }): Promise<TenantTasks[]> {
      const claimed: TenantTasks[] = [];
      for (const { tenantId, taskIds } of run.tenants) {
        const held = await inTenant(tenantId, (runs) => runs.claim(tenantId, taskIds, run.workflowId, run.runId));
        if (held.length > 0) claimed.push({ tenantId, taskIds: held });
      }
      return claimed;
    },

    /**
     * Indexes the held tasks' events, heartbeating after each bulk request; re-running overwrites the
     * same documents (`_id` = log id). While OpenSearch or PostgreSQL is down, attempts go on for the
     * outage budget.
     */
    indexClaimedTasks: (run: IndexBatchInput & { workflowId: string }): Promise<TenantOutcomes[]> =>
      outlastingOutages(deps.indexRetries, async () => {
        const context = Context.current();
        let bulks = 0;
        const results: TenantOutcomes[] = [];
        for (const { tenantId, taskIds } of run.tenants) {
          results.push({ tenantId, outcomes: await indexTenant(tenantId, taskIds, run.workflowId, () => context.heartbeat((bulks += 1))) });
        }
        return results;
      }),

    /** Each tenant's tasks end in one transaction: succeeded with their counts, or failed with the reason a document of theirs was refused. */
    async completeIndexTasks(input: { workflowId: string; tenants: TenantOutcomes[] }): Promise<void> {
      for (const { tenantId, outcomes } of input.tenants) {
        await inTenant(tenantId, async (runs) => {
          await runs.complete(tenantId, input.workflowId, outcomes.filter((outcome) => !outcome.rejection));
          for (const { taskId, rejection } of outcomes) if (rejection) await runs.fail(tenantId, [taskId], input.workflowId, `DocumentRejectedError: ${rejection}`);
        });
      }
    },

    async failIndexTasks(input: IndexBatchInput & { workflowId: string; error: string }): Promise<void> {
      for (const { tenantId, taskIds } of input.tenants) await inTenant(tenantId, (runs) => runs.fail(tenantId, taskIds, input.workflowId, input.error));
    },
  };
}
