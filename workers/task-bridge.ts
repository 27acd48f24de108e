import { createPgPool } from '../adapters/postgres/postgres-client';
import { createSqsClient } from '../adapters/sqs/sqs-client';
import { createTemporalClient } from '../adapters/temporal/temporal-client';
import { loadConfig } from '../platform/config/config';
import { loadDotenv } from '../platform/config/load-dotenv';
import { runProcess } from '../platform/lifecycle/run-process';
import { createLogger } from '../platform/observability/logger';
import { createDeadLetterWatcher, resolveDeadLetterQueue } from '../features/delivery/dead-letter-watcher';
import { createTaskBridge, createTemporalGate } from '../features/delivery/task-bridge';

loadDotenv();
const config = loadConfig();
const logger = createLogger(config.logLevel, 'audit-task-bridge');

/** One process consumes every task queue and its dead-letter queue; scale out by running more of them. */
runProcess(logger, config.http.shutdownGraceMs, async () => {
  const pool = createPgPool(config.postgres.url, 10, 'audit-task-bridge');
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
});
