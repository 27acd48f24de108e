import { randomUUID } from 'node:crypto';
import { createSqsClient } from '../../../adapters/sqs/sqs-client';
import { loadConfig } from '../../../platform/config/config';
import { createSqsTaskPublisher } from '../../../adapters/sqs/task-publisher';
import { summarizeLatencies } from '../lib/statistics';
import { openLoop } from './open-loop';
import type { RateParams, RateResult } from './ingest-jobs';

/**
 * What the API's after-commit publish costs alone: one SQS SendMessage per task at a fixed rate,
 * through the service's own publisher, to the sandbox's index queue (the caller purges it after).
 */
export async function sqsSendRate(params: Omit<RateParams, 'seed'>): Promise<RateResult> {
  const config = loadConfig();
  const sqs = createSqsClient(config.sqs);
  const publisher = createSqsTaskPublisher(sqs, config.sqs.queueUrls);
  const { latencies, ...rest } = await openLoop(params.rate, params.durationMs, 2000, async () => {
    await publisher.publish({ taskId: randomUUID(), tenantId: randomUUID(), taskType: 'reindex' });
    return true;
  });
  sqs.destroy();
  return { ...rest, latency: summarizeLatencies(latencies) };
}
