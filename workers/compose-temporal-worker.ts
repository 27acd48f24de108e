import { NativeConnection, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { createActivities, type Activities } from '../activities/create-activities';
import { createOpenSearchClient } from '../clients/opensearch';
import { createPgPool } from '../clients/postgres';
import type { Config } from '../config/config';
import type { Logger } from '../observability/logger';
import { createLogIndexer } from '../search/log-indexer';
import { installTemporalRuntime } from './temporal-runtime';

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

/** The Temporal worker with real activity implementations over one set of clients. */
export async function composeTemporalWorker(config: Config, logger: Logger, options: WorkerOptions = {}): Promise<ComposedWorker> {
  installTemporalRuntime(logger);
  const pool = createPgPool(config.postgres.url, config.postgres.poolSize, 'audit-temporal-worker');
  const opensearch = createOpenSearchClient(config.opensearch.url);
  const indexer = createLogIndexer(opensearch, config.opensearch.index);
  const connection = await NativeConnection.connect({ address: config.temporal.address });
  const worker = await Worker.create({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    ...(options.workflowBundle ? { workflowBundle: options.workflowBundle } : { workflowsPath: require.resolve('../workflows') }),
    activities: (options.wrapActivities ?? ((activities) => activities))(createActivities({ pool, indexer })),
    shutdownGraceTime: '10 seconds',
  });
  logger.info({ taskQueue: config.temporal.taskQueue }, 'Temporal worker ready');
  return {
    worker,
    async run() {
      try {
        await worker.run();
      } finally {
        await Promise.allSettled([connection.close(), pool.end(), opensearch.close()]);
      }
    },
  };
}
