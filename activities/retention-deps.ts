import type { S3Client } from '@aws-sdk/client-s3';
import type { Pool } from 'pg';
import type { Logger } from '../observability/logger';
import type { TaskPublisher } from '../queue/task-publisher';
import type { LogDeleter } from '../search/log-deleter';

/** The clients the archive and cleanup activities work with, built once per worker. */
export interface RetentionActivityDeps {
  pool: Pool;
  s3: S3Client;
  bucket: string;
  taskPublisher: TaskPublisher;
  logDeleter: LogDeleter;
  logger: Logger;
}
