import type { Pool } from 'pg';
import type { LogDeleter } from '../adapters/opensearch/log-deleter';
import type { LogIndexer } from '../adapters/opensearch/log-indexer';
import { logsRepository } from '../adapters/postgres/logs-repository';
import { withTenantTx } from '../adapters/postgres/tenant-transaction';
import type { EventTimeRange } from '../domain/event-time-range';
import type { LogEvent } from '../domain/log-event';
import type { SizedPart } from '../domain/sized-parts';
import { UNBOUNDED_EVENT_BYTES, type EventBytesBudget } from '../platform/memory/event-bytes-budget';

export interface StoredIndexing {
  indexed: number;
  /** Documents OpenSearch refused for their content (log id → its reason); the others were written. */
  rejected: Map<string, string>;
  /** Documents just written, or left by an earlier attempt, whose rows were gone by the re-check. */
  withdrawn: number;
}

/**
 * Every index run writes through here, so that a retention cleanup racing it can never leave a
 * deleted event searchable (design guarantee 7).
 *
 * The race: a run reads rows, a cleanup deletes those rows and then their documents, and the run's
 * `_bulk` write lands afterwards and brings the documents back. The rule: once a write W is
 * acknowledged, re-read (a new statement, so a fresh READ COMMITTED snapshot R) which of the ids
 * still have rows, and delete by id the documents of those that do not. The cleanup commits its
 * row deletion C and only then deletes the same ids' documents D (cleanup-activities.ts). For an
 * id the cleanup deletes:
 * - C committed before R began: R misses the row, so this run deletes the document, after W.
 * - C committed after R began: D is sent after C, so after W was acknowledged; D comes after W.
 * Either way the last operation on that `_id` is a delete. A later run cannot write it again: its
 * read, after C, no longer finds the row. This holds for any number of runs and for retried
 * attempts, since every write is followed by its own re-check.
 *
 * Retries also re-check ids they did not write: a batch attempt re-checks every id its tasks carry
 * (including ids whose rows are already gone), so the documents of an attempt that died between
 * its write and its re-check are withdrawn by the next attempt. What remains is a write still in
 * flight when its process died that lands after both the cleanup and the next attempt's re-check;
 * the reconcile run (orphan documents with no row) repairs that.
 */
export interface PartsIndexing {
  /** Ids whose rows were read (the others were gone). */
  found: Set<string>;
  indexed: number;
  rejected: Map<string, string>;
  withdrawn: number;
}

export function createStoredEventIndexer(deps: { pool: Pool; indexer: LogIndexer; logDeleter: LogDeleter; eventBytes?: EventBytesBudget }) {
  const eventBytes = deps.eventBytes ?? UNBOUNDED_EVENT_BYTES;

  /** Indexes `events` (rows read earlier), then withdraws the documents of any of `checkIds` whose row is gone. */
  async function indexStored(tenantId: string, events: readonly LogEvent[], checkIds: readonly string[] = events.map((event) => event.id)): Promise<StoredIndexing> {
    const { indexed, rejected } = await deps.indexer.indexEvents(tenantId, events);
    if (checkIds.length === 0) return { indexed, rejected, withdrawn: 0 };
    const stored = await withTenantTx(deps.pool, tenantId, (tx) => logsRepository(tx).existingIds(tenantId, checkIds));
    const gone = checkIds.filter((id) => !stored.has(id));
    const { deleted } = await deps.logDeleter.deleteDocuments(tenantId, gone);
    return { indexed, rejected, withdrawn: deleted };
  }

  return {
    indexStored,

    /**
     * Reads and indexes the parts one after another (each id re-checked as indexStored does), each
     * while holding its share of the worker's event budget: what every run that indexes stored
     * events holds at once is one part (domain/sized-parts.ts), its documents and its `_bulk` body.
     * `within` limits the reads to the partitions of those event times.
     */
    async indexParts(tenantId: string, parts: readonly SizedPart[], within: readonly EventTimeRange[], afterPart: () => void = () => undefined): Promise<PartsIndexing> {
      const total: PartsIndexing = { found: new Set(), indexed: 0, rejected: new Map(), withdrawn: 0 };
      for (const { ids, bytes } of parts) {
        const { events, outcome } = await eventBytes.holding(bytes, async () => {
          const read = await withTenantTx(deps.pool, tenantId, (tx) => logsRepository(tx).findByIds(tenantId, ids, within));
          return { events: read, outcome: await indexStored(tenantId, read, ids) };
        });
        for (const event of events) total.found.add(event.id);
        for (const [id, reason] of outcome.rejected) total.rejected.set(id, reason);
        total.indexed += outcome.indexed;
        total.withdrawn += outcome.withdrawn;
        afterPart();
      }
      return total;
    },
  };
}

export type StoredEventIndexer = ReturnType<typeof createStoredEventIndexer>;
