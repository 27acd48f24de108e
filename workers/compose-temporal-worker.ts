import { createTaskOutbox } from '../features/delivery/task-outbox';
import { NativeConnection, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { createActivities, type Activities } from '../activities/create-activities';
import { createLeanOpenSearchClient } from '../adapters/opensearch/lean-opensearch-client';
import { createPgPool } from '../adapters/postgres/postgres-client';
import { createS3Client } from '../adapters/s3/s3-client';
import { createSqsClient } from '../adapters/sqs/sqs-client';
import type { Config } from '../platform/config/config';
import type { Logger } from '../platform/observability/logger';
import { createSqsTaskPublisher } from '../adapters/sqs/task-publisher';
import { createCleanupRequester } from '../features/retention/request-cleanup';
import { createDocumentDayCounts } from '../adapters/opensearch/document-day-counts';
import { createLogDeleter } from '../adapters/opensearch/log-deleter';
import { createLogIndexer } from '../adapters/opensearch/log-indexer';
import { createTextMatcher } from '../adapters/opensearch/text-match';
import { createExportExpiry } from '../features/export/export-expiry';
import { createExportJob } from '../features/export/export-job';
import { installTemporalRuntime } from './temporal-runtime';
import { createRestoredCopies } from '../adapters/opensearch/restored-copies';
import { createRestoreAdmin } from '../features/restore/restore-admin';
import { createRestoreRun } from '../features/restore/restore-run';
import { createLogSealer } from '../features/integrity/log-sealer';
import { createEventBytesBudget } from '../platform/memory/event-bytes-budget';
import { createCheckpointStore } from '../adapters/s3/checkpoint-store';
import { createLogVerifier } from '../features/integrity/verify-log';
import { createArchivedRows } from '../features/integrity/archived-rows';

export interface ComposedWorker {
  worker: Worker;
  /** Resolves when the worker has shut down and its clients are closed. */
  run(): Promise<void>;
}

export interface WorkerOptions {
  /** A prebuilt workflow bundle, so several workers in one process bundle the code once. */
  workflowBundle?: WorkflowBundleWithSourceMap;
  /** Wraps the real activities, e.g. to hold one at a gate while a test observes the task row. */
  wrapActivities?: (activities: Activities) => Activities;
}

/** A bundle given by the caller, else one built ahead of time, else the workflow sources (bundled at start-up). */
function workflowSource(config: Config, options: WorkerOptions) {
  if (options.workflowBundle) return { workflowBundle: options.workflowBundle };
  if (config.temporal.workflowBundlePath) return { workflowBundle: { codePath: config.temporal.workflowBundlePath } };
  return { workflowsPath: require.resolve('../workflows') };
}

/**
 * Characters of event JSON the index and seal runs hold at once, all together: each holds up to
 * ~3 times that in the heap (rows, documents, the request body), and the worker's heap is 128 MB
 * (ops/stack/app.sh) of which ~40 MB are its own.
 */
const EVENT_BYTES_HELD = 16 * 1024 * 1024;

/** The Temporal worker with real activity implementations over one set of clients. */
export async function composeTemporalWorker(config: Config, logger: Logger, options: WorkerOptions = {}): Promise<ComposedWorker> {
  installTemporalRuntime(logger);
  const pool = createPgPool(config.postgres.url, config.postgres.poolSize, 'audit-temporal-worker', config.postgres.idleInTransactionTimeoutMs);
  const opensearch = createLeanOpenSearchClient(config.opensearch.url);
  const indexer = createLogIndexer(opensearch, config.opensearch.index);
  const s3 = createS3Client(config.s3);
  const sqs = createSqsClient(config.sqs);
  const outbox = createTaskOutbox({ pool, publisher: createSqsTaskPublisher(sqs, config.sqs.queueUrls), logger });
  const copies = createRestoredCopies(opensearch, config.opensearch.index);
  const eventBytes = createEventBytesBudget(EVENT_BYTES_HELD);
  const sealer = createLogSealer({ pool, origin: config.integrity.origin, keys: config.integrity.keys, checkpoints: createCheckpointStore(s3, config.s3.bucket), eventBytes });
  const activities = createActivities({
    pool,
    indexer,
    eventBytes,
    indexRetries: { outageBudgetMs: config.indexing.outageBudgetSeconds * 1000, otherAttempts: 8 },
    s3,
    bucket: config.s3.bucket,
    outbox,
    cleanupRequester: createCleanupRequester({ outbox, partMaxRows: config.archive.partMaxRows }),
    logDeleter: createLogDeleter(opensearch, config.opensearch.index),
    logPartitions: { horizonYears: config.events.horizonYears, monthsAhead: config.events.partitionMonthsAhead },
    documents: createDocumentDayCounts(opensearch, config.opensearch.index),
    exportJob: createExportJob({
      pool,
      text: createTextMatcher(opensearch, config.opensearch.index),
      s3,
      bucket: config.s3.bucket,
      retentionDays: config.exports.retentionDays,
    }),
    exportExpiry: createExportExpiry({ s3, bucket: config.s3.bucket, retentionDays: config.exports.retentionDays }),
    restoreRun: createRestoreRun({ pool, s3, bucket: config.s3.bucket, copies }),
    restoreAdmin: createRestoreAdmin({ pool, copies, logger }),
    copies,
    logger,
    sealer,
    catchUpSealer: config.integrity.sealing ? sealer : null,
    verifier: createLogVerifier({ pool, keys: config.integrity.keys.verifying, archive: createArchivedRows({ pool, s3, bucket: config.s3.bucket }), eventBytes }),
  });
  const connection = await NativeConnection.connect({ address: config.temporal.address });
  const worker = await Worker.create({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    ...workflowSource(config, options),
    activities: (options.wrapActivities ?? ((activities) => activities))(activities),
    shutdownGraceTime: '10 seconds',
    // Bounded so the worker fits the small heap it is deployed with (ops/stack/app.sh, Dockerfile):
    // archive and cleanup stream with flat memory, index batches hold up to 1,000 events each.
    maxConcurrentActivityTaskExecutions: 20,
  });
  logger.info({ taskQueue: config.temporal.taskQueue }, 'Temporal worker ready');
  return {
    worker,
    async run() {
      try {
        await worker.run();
      } finally {
        await Promise.allSettled([connection.close(), pool.end(), opensearch.close()]);
        s3.destroy();
        sqs.destroy();
      }
    },
  };
}
