import { createPgPool } from '../adapters/postgres/postgres-client';
import { createSqsClient } from '../adapters/sqs/sqs-client';
import { loadConfig } from '../platform/config/config';
import { loadDotenv } from '../platform/config/load-dotenv';
import { runProcess } from '../platform/lifecycle/run-process';
import { createLogger } from '../platform/observability/logger';
import { createOutboxRelay } from '../features/delivery/outbox-relay';
import { createSqsTaskPublisher } from '../adapters/sqs/task-publisher';

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
    maxBackoffMs: config.outbox.maxBackoffMs,
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
