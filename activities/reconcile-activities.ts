import { Context } from '@temporalio/activity';
import type { Pool } from 'pg';
import type { DocumentDayCounts } from '../adapters/opensearch/document-day-counts';
import type { LogDeleter } from '../adapters/opensearch/log-deleter';
import type { LogIndexer } from '../adapters/opensearch/log-indexer';
import { logDayCounts } from '../adapters/postgres/log-day-counts';
import type { LogTimeRange } from '../adapters/postgres/logs-key-order';
import { logsRepository } from '../adapters/postgres/logs-repository';
import { storedEventParts } from '../adapters/postgres/stored-event-parts';
import { tasksRepository } from '../adapters/postgres/tasks-repository';
import { withTenantTx, type TenantTx } from '../adapters/postgres/tenant-transaction';
import { sameTally } from '../domain/day-tally';
import { coveringRange } from '../domain/event-time-range';
import { TaskNotFoundError } from '../domain/task-errors';
import { EVENT_PART_BYTES, type EventBytesBudget } from '../platform/memory/event-bytes-budget';
import { createStoredEventIndexer } from './index-stored-events';
import { heartbeatingWhile } from './heartbeating-while';
import { taskTimeRange } from './task-time-range';
import type { TaskInput } from './task-status-activities';

export interface ReconcileCounts {
  buckets_checked: number;
  /** Days whose rows and documents differed in count or id sums (`DayTally`), so their ids were compared. */
  buckets_differing: number;
  missing_indexed: number;
  orphans_deleted: number;
}

export interface ReconcileResult extends ReconcileCounts {
  start_time: string | null;
  end_time: string | null;
}

/** What an attempt heartbeats: the last day it finished and the counts so far. */
interface ReconcilePosition extends ReconcileCounts {
  afterDay: number | null;
}

const DAY_MS = 24 * 3600_000;
const ROWS_PER_BULK = 1000;
/** Progress is mirrored into the task row every this many days (and after every repaired day). */
const MIRROR_EVERY = 50;

const iso = (ms: number) => new Date(ms).toISOString();

/** The part of one UTC day inside the task's range. */
function daySpan(day: number, range: LogTimeRange): { from: string; to: string } {
  const from = range.from && Date.parse(range.from) > day ? range.from : iso(day);
  const to = range.to && Date.parse(range.to) < day + DAY_MS ? range.to : iso(day + DAY_MS);
  return { from, to };
}

export function createReconcileActivities(deps: { pool: Pool; indexer: LogIndexer; logDeleter: LogDeleter; documents: DocumentDayCounts; eventBytes?: EventBytesBudget }) {
  const inTenant = <T>(tenantId: string, work: (tx: TenantTx) => Promise<T>) => withTenantTx(deps.pool, tenantId, work);
  const stored = createStoredEventIndexer(deps);

  /**
   * One day whose counts differ: rows without a document are indexed (through the re-checking
   * indexer, so a cleanup racing this run cannot resurrect them), and documents without a row are
   * deleted only if PostgreSQL, asked again after the index was read, still has no row for them: a
   * document is written only after its row committed, so an event ingested meanwhile is never taken
   * for an orphan. Rows are never deleted.
   */
  async function repairDay(tenantId: string, span: { from: string; to: string }): Promise<{ indexed: number; deleted: number }> {
    const rows = await inTenant(tenantId, (tx) => logDayCounts(tx).idsIn(tenantId, span));
    const documents = await deps.documents.idsIn(tenantId, span);
    const missing = [...rows].filter((id) => !documents.has(id));
    const candidates = [...documents].filter((id) => !rows.has(id));
    let indexed = 0;
    let deleted = 0;
    if (missing.length > 0) {
      // Weighed by their rows first: a day's missing documents may be thousands of events at the API's limits.
      const parts = await inTenant(tenantId, (tx) => storedEventParts(tx, tenantId, missing, { rows: ROWS_PER_BULK, bytes: EVENT_PART_BYTES }));
      const day = coveringRange([Date.parse(span.from), Date.parse(span.to)]);
      const outcome = await stored.indexParts(tenantId, parts, day ? [day] : []);
      indexed += outcome.indexed;
      deleted += outcome.withdrawn;
    }
    for (let start = 0; start < candidates.length; start += ROWS_PER_BULK) {
      const slice = candidates.slice(start, start + ROWS_PER_BULK);
      const stillStored = await inTenant(tenantId, (tx) => logsRepository(tx).existingIds(tenantId, slice));
      deleted += (await deps.logDeleter.deleteDocuments(tenantId, slice.filter((id) => !stillStored.has(id)))).deleted;
    }
    return { indexed, deleted };
  }

  return {
    /**
     * Compares the tenant's rows and documents per UTC day (their tallies first: count and id sums,
     * then ids where the tallies differ) and repairs the index. A lost document and an orphan on the
     * same day keep the count but not the sums. Heartbeats the last day done, so a retried attempt
     * resumes there.
     */
    async reconcileTenant(input: TaskInput): Promise<ReconcileResult> {
      const context = Context.current();
      const { tenantId, taskId } = input;
      const task = await inTenant(tenantId, async (tx) => {
        await tasksRepository(tx).recordAttempt(tenantId, taskId);
        return tasksRepository(tx).findById(tenantId, taskId);
      });
      if (!task) throw new TaskNotFoundError(`task ${taskId} does not exist in tenant ${tenantId}`);
      const range = taskTimeRange(task);
      const resumed = context.info.heartbeatDetails as ReconcilePosition | undefined;
      const position: ReconcilePosition = resumed ?? { afterDay: null, buckets_checked: 0, buckets_differing: 0, missing_indexed: 0, orphans_deleted: 0 };
      // Counting a large tenant's days, or repairing a day after the index lost it, can outlast the
      // heartbeat timeout: beat the resume position through them, or each attempt would time out on the same day.
      const [rowDays, documentDays] = await heartbeatingWhile(
        Promise.all([inTenant(tenantId, (tx) => logDayCounts(tx).perDay(tenantId, range)), deps.documents.perDay(tenantId, range)]),
        () => position,
      );
      const days = [...new Set([...rowDays.keys(), ...documentDays.keys()])].sort((a, b) => a - b);
      const total = days.length;
      const mirror = () => inTenant(tenantId, (tx) => tasksRepository(tx).recordProgress(tenantId, taskId, position.buckets_checked, Math.max(total, position.buckets_checked)));
      await mirror();

      for (const day of days) {
        if (position.afterDay !== null && day <= position.afterDay) continue;
        if (context.cancellationSignal.aborted) throw context.cancellationSignal.reason;
        const differs = !sameTally(rowDays.get(day), documentDays.get(day));
        if (differs) {
          const repaired = await heartbeatingWhile(repairDay(tenantId, daySpan(day, range)), () => position);
          position.buckets_differing += 1;
          position.missing_indexed += repaired.indexed;
          position.orphans_deleted += repaired.deleted;
        }
        position.buckets_checked += 1;
        position.afterDay = day;
        context.heartbeat(position);
        if (differs || position.buckets_checked % MIRROR_EVERY === 0) await mirror();
      }
      await mirror();
      const { afterDay: _afterDay, ...counts } = position;
      return { ...counts, start_time: range.from ?? null, end_time: range.to ?? null };
    },
  };
}
