import type { S3Client } from '@aws-sdk/client-s3';
import type { Pool } from 'pg';
import type { Logger } from '../platform/observability/logger';
import type { TaskOutbox } from '../features/delivery/task-outbox';
import type { LogDeleter } from '../adapters/opensearch/log-deleter';
import type { LogSealer } from '../features/integrity/log-sealer';

/** The clients the archive and cleanup activities work with, built once per worker. */
export interface RetentionActivityDeps {
  pool: Pool;
  s3: S3Client;
  bucket: string;
  outbox: TaskOutbox;
  logDeleter: LogDeleter;
  logger: Logger;
  /**
   * Seals what is waiting from activities other than the sealer's own: before an archive reads its
   * events, so every archived line carries its seq even for events ingested moments ago with an old
   * event_timestamp, and in a reconcile, for events a tenant's sealer left waiting. Null when
   * sealing is off (INTEGRITY_SEALING=false).
   */
  catchUpSealer: Pick<LogSealer, 'sealWaiting' | 'checkpoint'> | null;
}
