import { createPgPool } from '../clients/postgres';
import { createSqsClient } from '../clients/sqs';
import { loadConfig } from '../config/config';
import { loadDotenv } from '../config/load-dotenv';
import { runProcess } from '../lifecycle/run-process';
import { createLogger } from '../observability/logger';
import { createOutboxRelay } from '../queue/outbox-relay';
import { createSqsTaskPublisher } from '../queue/task-publisher';

loadDotenv();
const config = loadConfig();
const logger = createLogger(config.logLevel, 'audit-outbox-relay');

runProcess(logger, config.http.shutdownGraceMs, async () => {
  const pool = createPgPool(config.postgres.url, 2, 'audit-outbox-relay');
  const sqs = createSqsClient(config.sqs);
  const relay = createOutboxRelay({
    pool,
    publisher: createSqsTaskPublisher(sqs, config.sqs.queueUrls),
    logger,
    minAgeMs: config.outbox.minAgeMs,
    intervalMs: config.outbox.intervalMs,
  });
  relay.start();
  logger.info({ minAgeMs: config.outbox.minAgeMs }, 'outbox relay started');
  return async () => {
    await relay.stop();
    await pool.end();
    sqs.destroy();
  };
});
