import type { S3Client } from '@aws-sdk/client-s3';
import type { Pool } from 'pg';
import type { Logger } from '../platform/observability/logger';
import type { TaskOutbox } from '../features/delivery/task-outbox';
import type { LogDeleter } from '../adapters/opensearch/log-deleter';

/** The clients the archive and cleanup activities work with, built once per worker. */
export interface RetentionActivityDeps {
  pool: Pool;
  s3: S3Client;
  bucket: string;
  outbox: TaskOutbox;
  logDeleter: LogDeleter;
  logger: Logger;
}
