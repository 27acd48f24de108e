import type { IngestService } from './ingest-service';
import type { IngestedEvent } from './ingest-result';
import type { ApiMetrics } from '../../platform/observability/metrics';

/** The same ingest service, counting accepted and duplicate events as it returns them. */
export function countIngest(ingest: IngestService, metrics: Pick<ApiMetrics, 'ingestEvents'>): IngestService {
  const count = (events: readonly IngestedEvent[]) => {
    const duplicates = events.filter((event) => event.duplicate).length;
    if (events.length > duplicates) metrics.ingestEvents.inc({ outcome: 'accepted' }, events.length - duplicates);
    if (duplicates > 0) metrics.ingestEvents.inc({ outcome: 'duplicate' }, duplicates);
  };
  return {
    ...ingest,
    async ingest(...args: Parameters<IngestService['ingest']>) {
      const result = await ingest.ingest(...args);
      count(result.events);
      return result;
    },
    async ingestOne(...args: Parameters<IngestService['ingestOne']>) {
      const event = await ingest.ingestOne(...args);
      count([event]);
      return event;
    },
  };
}
