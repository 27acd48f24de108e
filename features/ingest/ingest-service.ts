import type { IngestResult } from './ingest-result';
import type { IngestedEvent } from './ingest-result';
import type { TaskOutbox } from '../delivery/task-outbox';
import type { Pool } from 'pg';
import { v7 as uuidv7 } from 'uuid';
import { newEventsJson } from '../../domain/new-events-json';
import { EventIdConflictError } from '../../domain/errors';
import { reindexPayload } from '../../domain/event-time-range';
import { ensureRecentLogPartitions, isMissingLogPartition } from '../../adapters/postgres/log-partitions';
import { logsRepository } from '../../adapters/postgres/logs-repository';
import { tasksRepository } from '../../adapters/postgres/tasks-repository';
import { withTenantTx, type TenantTx } from '../../adapters/postgres/tenant-transaction';
import type { Logger } from '../../platform/observability/logger';
import type { LivePublisher } from '../../adapters/redis/live-publisher';
import type { NewLogRow } from '../../domain/log-event';
import { createSingleEventBatcher } from './single-event-batcher';

export interface IngestOptions {
  /**
   * Runs first inside the ingest transaction, so a change and the audit event that records it commit
   * together or not at all (e.g. a tenant's settings and its `tenant.updated` event).
   */
  alsoInTransaction?: (tx: TenantTx) => Promise<void>;
}

export interface IngestDeps {
  pool: Pool;
  outbox: TaskOutbox;
  livePublisher: LivePublisher;
  logger: Logger;
}

export function createIngestService(deps: IngestDeps) {
  const { pool, outbox, livePublisher, logger } = deps;

  /** After commit the event is safe; these publishes only make it visible sooner (the relay covers SQS). */
  async function publishAfterCommit(tenantId: string, taskId: string, firstPosition: number, freshJson: string) {
    const results = await Promise.allSettled([
      outbox.publishCommitted({ taskId, tenantId, taskType: 'reindex' }),
      livePublisher.publishSerialized(tenantId, firstPosition, freshJson),
    ]);
    const [, streamed] = results;
    if (streamed.status === 'rejected') logger.warn({ err: streamed.reason, tenantId }, 'live publish failed');
  }

  const publishing = new Set<Promise<void>>();
  /** The response does not wait for SQS or Redis: a lost publish only delays indexing until the relay's pass. */
  function publishInBackground(tenantId: string, taskId: string, firstPosition: number, freshJson: string) {
    const published = publishAfterCommit(tenantId, taskId, firstPosition, freshJson).finally(() => publishing.delete(published));
    publishing.add(published);
  }

  /**
   * Writes all rows and one reindex task in one transaction, or nothing. Partitions exist ahead of
   * time (features/log-partitions); only if the daily maintenance has fallen behind does a request
   * create any: the recent months, at most 3, then one more attempt.
   */
  async function ingest(tenantId: string, userId: string, rows: readonly NewLogRow[], options: IngestOptions = {}): Promise<IngestResult> {
    try {
      return await ingestOnce(tenantId, userId, rows, options);
    } catch (error) {
      if (!isMissingLogPartition(error)) throw error;
      const created = await ensureRecentLogPartitions(pool);
      logger.warn({ tenantId, created }, 'an event had no partition: is the log-partitions schedule running?');
      return ingestOnce(tenantId, userId, rows, options);
    }
  }

  async function ingestOnce(tenantId: string, userId: string, rows: readonly NewLogRow[], options: IngestOptions): Promise<IngestResult> {
    const taskId = uuidv7();
    const { events, freshJson, firstPosition } = await withTenantTx(pool, tenantId, async (tx) => {
      await options.alsoInTransaction?.(tx);
      const logs = logsRepository(tx);
      const claims = await logs.claimEventIds(tenantId, rows);
      const events: IngestedEvent[] = [];
      const fresh: NewLogRow[] = [];
      rows.forEach((row, index) => {
        const claim = row.event_id === null ? undefined : claims.get(row.event_id);
        if (claim && claim.log_id !== row.id) {
          if (row.content_sha256 === null || !claim.content_sha256.equals(row.content_sha256)) throw new EventIdConflictError(index, row.event_id as string);
          events.push({ id: claim.log_id, event_timestamp: claim.event_timestamp, received_at: claim.received_at, duplicate: true });
        } else {
          fresh.push(row);
          events.push({ id: row.id, event_timestamp: row.event_timestamp, received_at: row.received_at, duplicate: false });
        }
      });
      // Serialised once: the insert and the live stream carry the same text, and its length tells
      // the index and seal runs how much reading these events back will hold (domain/sized-parts.ts).
      const freshJson = fresh.length === 0 ? '[]' : newEventsJson(tenantId, fresh);
      if (fresh.length > 0) {
        await tasksRepository(tx).create(tenantId, {
          taskId,
          taskType: 'reindex',
          userId,
          payload: reindexPayload(fresh, freshJson.length),
          progressTotal: fresh.length,
        });
      }
      // Last: taking positions serialises the tenant's writers until this transaction commits.
      const firstPosition = await logs.insertSerialized(tenantId, fresh.length, freshJson);
      return { events, freshJson, firstPosition };
    });
    if (firstPosition === undefined) return { events, taskId: null };
    publishInBackground(tenantId, taskId, firstPosition, freshJson);
    return { events, taskId };
  }

  const ingestOne = createSingleEventBatcher(ingest);

  return {
    /** Waits for the publishes still in flight, so a graceful shutdown hands every task to SQS itself. */
    async drain(): Promise<void> {
      while (publishing.size > 0) await Promise.allSettled([...publishing]);
    },

    ingest,

    /**
     * One event, committed together with the other single events of its tenant and user that
     * arrived meanwhile (see single-event-batcher): a 201 still means this event is committed.
     */
    ingestOne,
  };
}

export type IngestService = ReturnType<typeof createIngestService>;

