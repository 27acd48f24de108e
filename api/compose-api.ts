import type Koa from 'koa';
import { Connection } from '@temporalio/client';
import type { Config } from '../config/config';
import { createOpenSearchClient } from '../clients/opensearch';
import { createPgPool } from '../clients/postgres';
import { createRedis } from '../clients/redis';
import { createS3Client } from '../clients/s3';
import { createSqsClient } from '../clients/sqs';
import { createLogPartitionEnsurer } from '../db/log-partitions';
import { tenantsRepository } from '../db/tenants-repository';
import { createIngestService } from '../ingest/ingest-service';
import { dependencyChecks } from '../observability/dependency-checks';
import type { Logger } from '../observability/logger';
import { createSqsTaskPublisher, type TaskPublisher } from '../queue/task-publisher';
import { createRedisLivePublisher } from '../streaming/live-publisher';
import { createApp } from './app';

export interface ComposedApi {
  app: Koa;
  close(): Promise<void>;
}

export interface ApiOverrides {
  /** Replaces the after-commit SQS publisher, e.g. to prove the outbox relay alone delivers. */
  taskPublisher?: TaskPublisher;
}

/** Builds every client the API needs, once per process, and the app over them. */
export async function composeApi(config: Config, logger: Logger, overrides: ApiOverrides = {}): Promise<ComposedApi> {
  const pool = createPgPool(config.postgres.url, config.postgres.poolSize, 'audit-api');
  const redis = createRedis(config.redis.url, 'audit-api');
  const sqs = createSqsClient(config.sqs);
  const s3 = createS3Client(config.s3);
  const opensearch = createOpenSearchClient(config.opensearch.url);
  const temporal = Connection.lazy({ address: config.temporal.address });
  await redis.connect().catch((error: unknown) => logger.warn({ err: error }, 'Redis is not reachable yet; live publishing waits for it'));

  const ingest = createIngestService({
    pool,
    ensurePartitions: createLogPartitionEnsurer(pool),
    taskPublisher: overrides.taskPublisher ?? createSqsTaskPublisher(sqs, config.sqs.queueUrls),
    livePublisher: createRedisLivePublisher(redis),
    logger,
  });
  const app = createApp({
    config,
    pool,
    ingest,
    tenants: tenantsRepository(pool),
    readinessChecks: dependencyChecks({ pool, redis, sqs, indexQueueUrl: config.sqs.queueUrls.index, opensearch, s3, bucket: config.s3.bucket, temporal }),
    logger,
  });

  return {
    app,
    async close() {
      await Promise.allSettled([pool.end(), redis.quit(), opensearch.close(), temporal.close()]);
      sqs.destroy();
      s3.destroy();
    },
  };
}
