import { createPgPool } from '../adapters/postgres/postgres-client';
import { createSqsClient } from '../adapters/sqs/sqs-client';
import { createSqsTaskPublisher } from '../adapters/sqs/task-publisher';
import type { Config } from '../platform/config/config';
import type { Shutdown } from '../platform/lifecycle/run-process';
import type { Logger } from '../platform/observability/logger';
import { createOutboxRelay } from '../features/delivery/outbox-relay';

/** Re-publishes tasks still unstarted after OUTBOX_RELAY_MIN_AGE_MS; returns its shutdown. */
export async function startOutboxRelay(config: Config, logger: Logger): Promise<Shutdown> {
  const pool = createPgPool(config.postgres.url, 2, 'audit-outbox-relay', config.postgres.idleInTransactionTimeoutMs);
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
}
