import { EventIdConflictError } from '../../domain/errors';
import type { IngestResult } from './ingest-result';
import type { IngestedEvent } from './ingest-result';
import type { NewLogRow } from '../../domain/log-event';

type WriteEvents = (tenantId: string, userId: string, rows: readonly NewLogRow[]) => Promise<IngestResult>;

interface Waiting {
  row: NewLogRow;
  resolve(event: IngestedEvent): void;
  reject(error: unknown): void;
}

/** Events one group transaction carries at most (a bulk request's limit). */
const MAX_GROUP = 1000;

/**
 * Group commit for single-event requests: the events of one tenant and user that arrive while that
 * pair's previous transaction is in flight are written together in the next one (one insert per
 * table, one reindex task). Nothing waits for a timer: a lone request is written at once, and under
 * load the database sees a few transactions per second per pair instead of one per request.
 * Every caller still gets its own answer only after its event is committed.
 */
export function createSingleEventBatcher(write: WriteEvents) {
  /** A pair has a queue exactly while its events are being written; arrivals meanwhile join it. */
  const queues = new Map<string, Waiting[]>();

  async function writeGroup(tenantId: string, userId: string, group: Waiting[]): Promise<void> {
    try {
      const { events } = await write(tenantId, userId, group.map((waiting) => waiting.row));
      group.forEach((waiting, index) => waiting.resolve(events[index] as IngestedEvent));
    } catch (error) {
      if (!(error instanceof EventIdConflictError) || group.length === 1) {
        for (const waiting of group) waiting.reject(error);
        return;
      }
      // The group rolled back because of one event's conflict: written one by one, only that one fails.
      for (const waiting of group) await writeGroup(tenantId, userId, [waiting]);
    }
  }

  async function drain(key: string, tenantId: string, userId: string, waiting: Waiting[]): Promise<void> {
    while (waiting.length > 0) await writeGroup(tenantId, userId, waiting.splice(0, MAX_GROUP));
    queues.delete(key);
  }

  return function ingestOne(tenantId: string, userId: string, row: NewLogRow): Promise<IngestedEvent> {
    return new Promise<IngestedEvent>((resolve, reject) => {
      const key = JSON.stringify([tenantId, userId]);
      const writing = queues.get(key);
      if (writing) {
        writing.push({ row, resolve, reject });
        return;
      }
      const waiting = [{ row, resolve, reject }];
      queues.set(key, waiting);
      void drain(key, tenantId, userId, waiting);
    });
  };
}
