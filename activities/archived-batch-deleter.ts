import type { Pool } from 'pg';
import type { LogDeleter } from '../adapters/opensearch/log-deleter';
import { logRetentionRepository, type ArchivedEventRef } from '../adapters/postgres/log-retention-repository';
import { tasksRepository } from '../adapters/postgres/tasks-repository';
import { withTenantTx } from '../adapters/postgres/tenant-transaction';

/** What a cleanup has deleted so far, advanced only as a batch's documents are gone. */
export interface DeletionTally {
  /** Rows processed over the whole archive. */
  processed: number;
  /** Rows of the part in progress already processed. */
  rowsDoneInPart: number;
  deletedRows: number;
  deletedEventIds: number;
  deletedDocuments: number;
  absentDocuments: number;
}

/**
 * Deletes archived events batch by batch, rows in PostgreSQL then documents in OpenSearch, with one
 * batch's documents deleted while the next batch's rows are: the search delete is the slow side.
 * Each batch still loses its documents only after its own rows' deletion committed, and by id (never
 * a delete-by-query over a possibly unrefreshed index): an index run that read those rows earlier
 * either sees them gone when it re-checks after its write, or wrote before this delete
 * (index-stored-events.ts). `tally` and `onBatchDone` advance in batch order.
 */
export function createArchivedBatchDeleter(deps: {
  pool: Pool;
  logDeleter: LogDeleter;
  tenantId: string;
  taskId: string;
  tally: DeletionTally;
  onBatchDone: () => void;
}) {
  const { pool, logDeleter, tenantId, taskId, tally } = deps;
  let rowsDeleted = tally.processed;
  let documentsInFlight: Promise<void> = Promise.resolve();

  return {
    async delete(batch: readonly ArchivedEventRef[]): Promise<void> {
      if (batch.length === 0) return;
      rowsDeleted += batch.length;
      const progress = rowsDeleted;
      const rows = await withTenantTx(pool, tenantId, async (tx) => {
        const deleted = await logRetentionRepository(tx).deleteArchived(tenantId, batch);
        await tasksRepository(tx).recordProgress(tenantId, taskId, progress, null);
        return deleted;
      });
      await documentsInFlight;
      documentsInFlight = logDeleter.deleteDocuments(tenantId, batch.map((event) => event.id)).then((documents) => {
        tally.processed += batch.length;
        tally.rowsDoneInPart += batch.length;
        tally.deletedRows += rows.logs;
        tally.deletedEventIds += rows.eventIds;
        tally.deletedDocuments += documents.deleted;
        tally.absentDocuments += documents.absent;
        deps.onBatchDone();
      });
      // Awaited by the next batch or by settled(); marked handled now, so that a failure while the
      // next batch's rows are deleted is not an unhandled rejection.
      documentsInFlight.catch(() => undefined);
    },

    /** Resolves once the last batch's documents are gone; rejects if deleting them failed. */
    settled: (): Promise<void> => documentsInFlight,
  };
}
