import type Koa from 'koa';
import type { Config } from '../platform/config/config';
import { createLeanOpenSearchClient } from '../adapters/opensearch/lean-opensearch-client';
import { createPgPool } from '../adapters/postgres/postgres-client';
import { createRedis } from '../adapters/redis/redis-client';
import { createRedisSubscriber } from '../adapters/redis/redis-subscriber';
import { createS3Client } from '../adapters/s3/s3-client';
import { createSqsClient } from '../adapters/sqs/sqs-client';
import { createTemporalHealth } from '../adapters/temporal/temporal-health';
import { createIngestService } from '../features/ingest/ingest-service';
import { dependencyChecks } from '../adapters/dependency-checks';
import type { Logger } from '../platform/observability/logger';
import { createApiMetrics } from '../platform/observability/metrics';
import { registerScrapeGauges } from '../platform/observability/metrics-gauges';
import { countIngest } from '../features/ingest/ingest-metrics';
import { createTenantRateLimiter } from '../adapters/redis/tenant-rate-limiter';
import { createSqsTaskPublisher, type TaskPublisher } from '../adapters/sqs/task-publisher';
import { createTaskOutbox } from '../features/delivery/task-outbox';
import { createLiveHub } from '../features/live-tail/live-hub';
import { createLogReplay } from '../features/live-tail/log-replay';
import { createStreamCursors } from '../features/live-tail/stream-cursor';
import { createRedisLivePublisher } from '../adapters/redis/live-publisher';
import { createTokenVerifier } from '../platform/auth/token-verifier';
import { revocationReads } from '../adapters/postgres/issued-tokens-repository';
import { publishAccessChange } from '../adapters/redis/access-change-channel';
import { createAccessRevocations } from '../features/tenancy/access-revocations';
import { createTokenUsage } from '../features/tenancy/token-usage';
import type { CallerAccess } from './admit-caller';
import { createExportDownloads } from '../features/export/export-downloads';
import { createRestoredCopies } from '../adapters/opensearch/restored-copies';
import { createRestoreAdmin } from '../features/restore/restore-admin';
import { createApp } from './app';
import { createReadAudit } from '../features/read-audit/read-audit';
import { createLogQueryServices } from './log-query-services';
import { createTenantDirectory } from './tenant-directory';
import type { LogStreamDeps } from './stream/attach-log-stream';

export interface ComposedApi {
  app: Koa;
  /** What the server entry point passes to attachLogStream to serve the live tail on its socket. */
  liveStream: LogStreamDeps;
  close(): Promise<void>;
}

export interface ApiOverrides {
  /** Replaces the after-commit SQS publisher, e.g. to prove the outbox relay alone delivers. */
  taskPublisher?: TaskPublisher;
}

/** Builds every client the API needs, once per process, and the app over them. */
export async function composeApi(config: Config, logger: Logger, overrides: ApiOverrides = {}): Promise<ComposedApi> {
  const pool = createPgPool(config.postgres.url, config.postgres.poolSize, 'audit-api', config.postgres.idleInTransactionTimeoutMs);
  const redis = createRedis(config.redis.url, 'audit-api');
  const sqs = createSqsClient(config.sqs);
  const s3 = createS3Client(config.s3);
  const opensearch = createLeanOpenSearchClient(config.opensearch.url);
  // Only its health is needed here: no Temporal SDK in the API process (memory at rest).
  const temporal = createTemporalHealth(config.temporal.address);
  const taskPublisher = overrides.taskPublisher ?? createSqsTaskPublisher(sqs, config.sqs.queueUrls);
  const outbox = createTaskOutbox({ pool, publisher: taskPublisher, logger });
  // ioredis reconnects by itself and would print every failed attempt to stderr without a listener;
  // an outage shows in /readyz, the rate limiter's warning and its metric.
  const quietRedisErrors = (error: Error) => logger.debug({ err: error }, 'Redis connection error');
  redis.on('error', quietRedisErrors);
  await redis.connect().catch((error: unknown) => logger.warn({ err: error }, 'Redis is not reachable yet; live publishing waits for it'));

  const metrics = createApiMetrics();
  registerScrapeGauges(metrics.registry, { sqs, queueUrls: config.sqs.queueUrls, pool });
  const ingest = countIngest(
    createIngestService({
      pool,
      outbox,
      livePublisher: createRedisLivePublisher(redis),
      logger,
    }),
    metrics,
  );
  const verifier = createTokenVerifier(config.jwt);
  const tenants = createTenantDirectory(pool);
  const reads = revocationReads(pool);
  const revocationSubscriber = createRedisSubscriber(config.redis.url, 'audit-api-revocations');
  revocationSubscriber.on('error', quietRedisErrors);
  const revocations = createAccessRevocations({
    load: reads.snapshot,
    publish: (change) => publishAccessChange(redis, change),
    subscriber: revocationSubscriber,
    refreshMs: config.access.refreshMs,
    logger,
  });
  await revocations.start();
  const tokenUsage = createTokenUsage({ record: reads.recordUse, flushEveryMs: config.access.lastUseFlushMs, logger });
  tokenUsage.start();
  const access: CallerAccess = { admit: revocations.admit, noteUse: tokenUsage.note, onRevoked: revocations.onRevoked };
  const app = createApp({
    config,
    pool,
    ingest,
    outbox,
    tenants,
    exportDownloads: createExportDownloads({ pool, s3, bucket: config.s3.bucket }),
    restoreAdmin: createRestoreAdmin({ pool, copies: createRestoredCopies(opensearch, config.opensearch.index), logger }),
    logQueries: createLogQueryServices({ pool, opensearch, index: config.opensearch.index, cursorSecret: config.cursor.secret, logger }),
    verifier,
    access,
    revocations,
    rateLimiter: createTenantRateLimiter({ redis, logger, onStoreFailure: () => metrics.rateLimitStoreFailures.inc() }),
    metrics,
    readinessChecks: dependencyChecks({ pool, redis, sqs, indexQueueUrl: config.sqs.queueUrls.index, opensearch, s3, bucket: config.s3.bucket, temporal }),
    logger,
  });

  const liveSubscriber = createRedisSubscriber(config.redis.url, 'audit-api-live');
  liveSubscriber.on('error', quietRedisErrors);
  await liveSubscriber.connect().catch((error: unknown) => logger.warn({ err: error }, 'Redis is not reachable yet; the live tail answers 503 until it is'));
  const cursors = createStreamCursors(config.cursor.secret);
  const liveStream: LogStreamDeps = {
    verifier,
    access,
    tenants,
    hub: createLiveHub(liveSubscriber, cursors, logger),
    replay: createLogReplay(pool),
    cursors,
    audit: createReadAudit({ ingest, logger }),
    config: config.stream,
    logger,
  };

  return {
    app,
    liveStream,
    async close() {
      await ingest.drain();
      revocations.stop();
      await tokenUsage.stop();
      await Promise.allSettled([pool.end(), redis.quit(), liveSubscriber.quit(), revocationSubscriber.quit(), opensearch.close()]);
      temporal.close();
      sqs.destroy();
      s3.destroy();
    },
  };
}
