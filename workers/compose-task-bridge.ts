import { createPgPool } from '../adapters/postgres/postgres-client';
import { createSqsClient } from '../adapters/sqs/sqs-client';
import { createTemporalClient } from '../adapters/temporal/temporal-client';
import type { Config } from '../platform/config/config';
import type { Shutdown } from '../platform/lifecycle/run-process';
import type { Logger } from '../platform/observability/logger';
import { createDeadLetterWatcher, resolveDeadLetterQueue } from '../features/delivery/dead-letter-watcher';
import { createTaskBridge, createTemporalGate } from '../features/delivery/task-bridge';

/** Consumes every task queue and its dead-letter queue into Temporal; returns its shutdown. */
export async function startTaskBridge(config: Config, logger: Logger): Promise<Shutdown> {
  const pool = createPgPool(config.postgres.url, 10, 'audit-task-bridge', config.postgres.idleInTransactionTimeoutMs);
  const sqs = createSqsClient(config.sqs);
  const temporal = await createTemporalClient(config.temporal);
  // One probe loop for the whole process: every consumer here stops receiving while Temporal is down.
  const temporalGate = createTemporalGate(temporal, logger, config.temporal.probeMaxIntervalMs);
  const bridges = Object.values(config.sqs.queueUrls).map((queueUrl) =>
    createTaskBridge({ sqs, queueUrl, temporal, temporalGate, taskQueue: config.temporal.taskQueue, pool, sealing: config.integrity.sealing, logger: logger.child({ queueUrl }) }),
  );
  const watchers = await Promise.all(
    Object.values(config.sqs.queueUrls).map(async (queueUrl) =>
      createDeadLetterWatcher({
        sqs,
        dlq: await resolveDeadLetterQueue(sqs, queueUrl),
        pool,
        temporalGate,
        maxRedrives: config.sqs.maxRedrives,
        logger: logger.child({ queueUrl, deadLetters: true }),
      }),
    ),
  );
  bridges.forEach((bridge) => bridge.start());
  watchers.forEach((watcher) => watcher.start());
  logger.info({ queues: Object.keys(config.sqs.queueUrls) }, 'task bridge consuming');
  return async () => {
    await Promise.all([...bridges, ...watchers].map((consumer) => consumer.stop()));
    temporalGate.close();
    await Promise.allSettled([pool.end(), temporal.connection.close()]);
    sqs.destroy();
  };
}
