import { Context } from '@temporalio/activity';
import type { Pool } from 'pg';
import { logsKeyOrder, type LogKey } from '../adapters/postgres/logs-key-order';
import { tasksRepository } from '../adapters/postgres/tasks-repository';
import { withTenantTx, type TenantTx } from '../adapters/postgres/tenant-transaction';
import type { LogDeleter } from '../adapters/opensearch/log-deleter';
import { DocumentRejectedError, type LogIndexer } from '../adapters/opensearch/log-indexer';
import { sizedParts } from '../domain/sized-parts';
import { TaskNotFoundError } from '../domain/task-errors';
import { EVENT_PART_BYTES, type EventBytesBudget } from '../platform/memory/event-bytes-budget';
import { createStoredEventIndexer } from './index-stored-events';
import { taskTimeRange } from './task-time-range';
import type { TaskInput } from './task-status-activities';
import { outlastingOutages, type OutageRetryPolicy } from './outage-retries';
import { heartbeatingWhile } from './heartbeating-while';

/** What a reindex attempt heartbeats, and what the next attempt resumes from. */
export interface ReindexPosition {
  after: LogKey | null;
  done: number;
  /** Documents OpenSearch refused so far, and the first one's reason: the rebuild goes on past them and fails at its end. */
  rejected?: number;
  firstRejection?: string;
}

export interface ReindexTenantResult {
  indexed: number;
  start_time: string | null;
  end_time: string | null;
  /** Rows the final attempt skipped because an earlier attempt had indexed them. */
  resumed_after: number;
}

export const REINDEX_PAGE_SIZE = 1000;
/** Events read and sent in one `_bulk`, at most: a page is read in parts this size. */
const PART_LIMITS = { rows: REINDEX_PAGE_SIZE, bytes: EVENT_PART_BYTES };

export function createReindexTenantActivities(deps: { pool: Pool; indexer: LogIndexer; logDeleter: LogDeleter; indexRetries: OutageRetryPolicy; eventBytes?: EventBytesBudget }) {
  const stored = createStoredEventIndexer(deps);
  const inTenant = <T>(tenantId: string, work: (tx: TenantTx) => Promise<T>) => withTenantTx(deps.pool, tenantId, work);

  return {
    /**
     * Streams the tenant's rows in `(event_timestamp, id)` order, a page of keys at a time, into
     * OpenSearch (same `_id`s, so re-indexing overwrites); a page's events are read and sent in parts
     * of about EVENT_PART_BYTES, whatever their size. Each written page is re-checked against PostgreSQL so
     * that rows a cleanup deleted meanwhile do not stay searchable (index-stored-events.ts). Each
     * indexed page is heartbeated and mirrored into the
     * task's progress; a later attempt of the same run starts after the last heartbeated key. While
     * OpenSearch or PostgreSQL is down, attempts go on for the outage budget.
     */
    reindexTenantRange: (input: TaskInput) => outlastingOutages(deps.indexRetries, () => reindexRange(input)),
  };

  async function reindexRange(input: TaskInput): Promise<ReindexTenantResult> {
      const context = Context.current();
      const { tenantId, taskId } = input;
      const task = await inTenant(tenantId, async (tx) => {
        await tasksRepository(tx).recordAttempt(tenantId, taskId);
        return tasksRepository(tx).findById(tenantId, taskId);
      });
      if (!task) throw new TaskNotFoundError(`task ${taskId} does not exist in tenant ${tenantId}`);
      const range = taskTimeRange(task);
      const resumed = context.info.heartbeatDetails as ReindexPosition | undefined;
      let position: ReindexPosition = resumed ?? { after: null, done: 0 };
      // Counting a large tenant, or reading a page under load, can outlast the heartbeat timeout: beat the resume position through them.
      const total = await heartbeatingWhile(inTenant(tenantId, (tx) => logsKeyOrder(tx).count(tenantId, range)), () => position);
      const mirror = (done: number) => inTenant(tenantId, (tx) => tasksRepository(tx).recordProgress(tenantId, taskId, done, Math.max(total, done)));
      await mirror(position.done);

      for (;;) {
        if (context.cancellationSignal.aborted) throw context.cancellationSignal.reason;
        const page = await heartbeatingWhile(inTenant(tenantId, (tx) => logsKeyOrder(tx).page(tenantId, range, position.after, REINDEX_PAGE_SIZE)), () => position);
        if (page.rows.length === 0) break;
        const parts = sizedParts(page.rows.map(({ id, bytes }) => ({ ids: [id], bytes })), PART_LIMITS);
        const { rejected } = await stored.indexParts(tenantId, parts, page.span ? [page.span] : [], () => context.heartbeat(position));
        const [reason] = rejected.values();
        position = {
          after: page.last,
          done: position.done + page.rows.length,
          rejected: (position.rejected ?? 0) + rejected.size,
          firstRejection: position.firstRejection ?? reason,
        };
        context.heartbeat(position);
        await mirror(position.done);
      }
      if (position.rejected) {
        throw new DocumentRejectedError(`${position.rejected} of ${position.done} documents were refused by OpenSearch; the first: ${position.firstRejection}`);
      }
      return { indexed: position.done, start_time: range.from ?? null, end_time: range.to ?? null, resumed_after: resumed?.done ?? 0 };
  }
}
