import { createPgPool } from '../clients/postgres';
import { createSqsClient } from '../clients/sqs';
import { createTemporalClient } from '../clients/temporal';
import { loadConfig } from '../config/config';
import { loadDotenv } from '../config/load-dotenv';
import { runProcess } from '../lifecycle/run-process';
import { createLogger } from '../observability/logger';
import { createDeadLetterWatcher, resolveDeadLetterQueue } from '../queue/dead-letter-watcher';
import { createTaskBridge } from '../queue/task-bridge';

loadDotenv();
const config = loadConfig();
const logger = createLogger(config.logLevel, 'audit-task-bridge');

/** One process consumes every task queue and its dead-letter queue; scale out by running more of them. */
runProcess(logger, config.http.shutdownGraceMs, async () => {
  const pool = createPgPool(config.postgres.url, 10, 'audit-task-bridge');
  const sqs = createSqsClient(config.sqs);
  const temporal = await createTemporalClient(config.temporal);
  const bridges = Object.values(config.sqs.queueUrls).map((queueUrl) =>
    createTaskBridge({ sqs, queueUrl, temporal, taskQueue: config.temporal.taskQueue, pool, logger: logger.child({ queueUrl }) }),
  );
  const watchers = await Promise.all(
    Object.values(config.sqs.queueUrls).map(async (queueUrl) =>
      createDeadLetterWatcher({ sqs, dlq: await resolveDeadLetterQueue(sqs, queueUrl), pool, logger: logger.child({ queueUrl, deadLetters: true }) }),
    ),
  );
  bridges.forEach((bridge) => bridge.start());
  watchers.forEach((watcher) => watcher.start());
  logger.info({ queues: Object.keys(config.sqs.queueUrls) }, 'task bridge consuming');
  return async () => {
    await Promise.all([...bridges, ...watchers].map((consumer) => consumer.stop()));
    await Promise.allSettled([pool.end(), temporal.connection.close()]);
    sqs.destroy();
  };
});
