import type { IngestService } from '../ingest/ingest-service';
import type { ApiMetrics } from './metrics';

/** The same ingest service, counting accepted and duplicate events as it returns them. */
export function countIngest(ingest: IngestService, metrics: Pick<ApiMetrics, 'ingestEvents'>): IngestService {
  return {
    ...ingest,
    async ingest(...args: Parameters<IngestService['ingest']>) {
      const result = await ingest.ingest(...args);
      const duplicates = result.events.filter((event) => event.duplicate).length;
      if (result.events.length > duplicates) metrics.ingestEvents.inc({ outcome: 'accepted' }, result.events.length - duplicates);
      if (duplicates > 0) metrics.ingestEvents.inc({ outcome: 'duplicate' }, duplicates);
      return result;
    },
  };
}
