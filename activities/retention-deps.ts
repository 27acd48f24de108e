import type { S3Client } from '@aws-sdk/client-s3';
import type { Pool } from 'pg';
import type { Logger } from '../platform/observability/logger';
import type { TaskPublisher } from '../adapters/sqs/task-publisher';
import type { LogDeleter } from '../adapters/opensearch/log-deleter';

/** The clients the archive and cleanup activities work with, built once per worker. */
export interface RetentionActivityDeps {
  pool: Pool;
  s3: S3Client;
  bucket: string;
  taskPublisher: TaskPublisher;
  logDeleter: LogDeleter;
  logger: Logger;
}
