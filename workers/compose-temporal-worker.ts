import { NativeConnection, Worker } from '@temporalio/worker';
import { createActivities } from '../activities/create-activities';
import { createOpenSearchClient } from '../clients/opensearch';
import { createPgPool } from '../clients/postgres';
import type { Config } from '../config/config';
import type { Logger } from '../observability/logger';
import { createLogIndexer } from '../search/log-indexer';

export interface ComposedWorker {
  worker: Worker;
  /** Resolves when the worker has shut down and its clients are closed. */
  run(): Promise<void>;
}

/** The Temporal worker with real activity implementations over one set of clients. */
export async function composeTemporalWorker(config: Config, logger: Logger): Promise<ComposedWorker> {
  const pool = createPgPool(config.postgres.url, config.postgres.poolSize, 'audit-temporal-worker');
  const opensearch = createOpenSearchClient(config.opensearch.url);
  const indexer = createLogIndexer(opensearch, config.opensearch.index);
  const connection = await NativeConnection.connect({ address: config.temporal.address });
  const worker = await Worker.create({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    workflowsPath: require.resolve('../workflows'),
    activities: createActivities({ pool, indexer }),
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
