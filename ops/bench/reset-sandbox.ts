import { DeleteQueueCommand, GetQueueUrlCommand } from '@aws-sdk/client-sqs';
import { Client } from 'pg';
import { createOpenSearchClient } from '../../adapters/opensearch/opensearch-client';
import { restoredIndexName } from '../../adapters/opensearch/restored-copies';
import { createSqsClient } from '../../adapters/sqs/sqs-client';
import { createTemporalClient } from '../../adapters/temporal/temporal-client';
import { loadConfig } from '../../platform/config/config';

/**
 * Starts every bench run from an empty sandbox, so no backlog or table growth from an earlier run
 * moves the figures: drops the sandbox's database, search index and queues (provisioning then
 * recreates them), and terminates the workflows still running on its task queue. Refuses any
 * sandbox whose name does not start with `bench`.
 */
async function main() {
  const sandbox = process.env.SERVICE_SANDBOX ?? '';
  if (!sandbox.startsWith('bench')) throw new Error(`refusing to reset sandbox "${sandbox}": only bench* sandboxes are reset`);
  const config = loadConfig();
  const adminUrl = process.env.DATABASE_ADMIN_URL;
  if (!adminUrl) throw new Error('DATABASE_ADMIN_URL is required to drop the sandbox database');
  const database = new URL(config.postgres.url).pathname.slice(1);

  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${database.replace(/"/g, '""')}" WITH (FORCE)`).finally(() => admin.end());

  const opensearch = createOpenSearchClient(config.opensearch.url);
  await opensearch.indices
    .delete({ index: [config.opensearch.index, restoredIndexName(config.opensearch.index)], ignore_unavailable: true })
    .finally(() => opensearch.close());

  const sqs = createSqsClient(config.sqs);
  for (const url of Object.values(config.sqs.queueUrls)) {
    const name = url.replace(/\/+$/, '').split('/').pop() as string;
    for (const queue of [name, `${name}-dlq`]) {
      const found = await sqs.send(new GetQueueUrlCommand({ QueueName: queue })).catch(() => undefined);
      if (found?.QueueUrl) await sqs.send(new DeleteQueueCommand({ QueueUrl: found.QueueUrl }));
    }
  }
  sqs.destroy();

  // Runs of an earlier bench would otherwise keep this run's worker busy failing on missing tasks.
  const temporal = await createTemporalClient(config.temporal);
  let terminated = 0;
  try {
    const query = `TaskQueue = '${config.temporal.taskQueue}' AND ExecutionStatus = 'Running'`;
    for await (const run of temporal.workflow.list({ query })) {
      await temporal.workflow.getHandle(run.workflowId, run.runId).terminate('bench sandbox reset').catch(() => undefined);
      terminated += 1;
    }
  } finally {
    await temporal.connection.close();
  }
  console.log(`sandbox ${sandbox}: database ${database}, index ${config.opensearch.index} and queues dropped, ${terminated} running workflows terminated`);
}

main().catch((error: unknown) => {
  console.error(`reset failed: ${(error as Error).message}`);
  process.exit(1);
});
