import type { NewLogRow } from '../../domain/log-event';
import { VIEWED_ACTION, VIEWED_RESOURCE } from '../../domain/read-audit';
import { toNewLogRow } from '../ingest/normalize-event';
import type { IngestService } from '../ingest/ingest-service';
import type { Logger } from '../../platform/observability/logger';

/** The read could not be recorded in the tenant's log, so its result was not returned. */
export class ReadNotRecordedError extends Error {
  override readonly name = 'ReadNotRecordedError';
}

/** One read of a tenant's log, as its `audit_log.viewed` event describes it. */
export interface LogRead {
  /** The route read, as api.md names it, e.g. `GET /logs`. */
  endpoint: string;
  /** The filters the read ran with (the token's fixed ones included). */
  filters: object;
  /** The events returned (counted, for stats); null for a stream subscription, which has no end. */
  resultCount: number | null;
}

function viewedRow(reader: string, read: LogRead, at: Date): NewLogRow {
  const results = read.resultCount === null ? '' : `, ${read.resultCount} result(s)`;
  return toNewLogRow(
    {
      action: VIEWED_ACTION,
      severity: 'INFO',
      user_id: reader,
      resource: VIEWED_RESOURCE,
      message: `${reader} read the audit log through ${read.endpoint}${results}.`,
      metadata: { endpoint: read.endpoint, filters: read.filters, result_count: read.resultCount },
    },
    reader,
    at,
  );
}

/**
 * Records reads as events of the tenant's own log, through the ingest path every event takes (so
 * they are stored, indexed, streamed and sealed like any other). Resolves once the event is
 * committed; rejects with ReadNotRecordedError when it could not be.
 */
export function createReadAudit(deps: { ingest: Pick<IngestService, 'ingestOne'>; logger: Logger }) {
  return {
    async record(tenantId: string, reader: string, read: LogRead): Promise<void> {
      try {
        await deps.ingest.ingestOne(tenantId, reader, viewedRow(reader, read, new Date()));
      } catch (error) {
        // The caller only hears 503: operators must see that reads are being refused, and why.
        deps.logger.error({ err: error, tenantId, endpoint: read.endpoint }, 'a read could not be recorded in the audit log; it was refused');
        throw new ReadNotRecordedError(`the read could not be recorded: ${(error as Error).message}`, { cause: error });
      }
    },
  };
}

export type ReadAudit = ReturnType<typeof createReadAudit>;
