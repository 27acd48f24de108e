import { GetQueueAttributesCommand, PurgeQueueCommand } from '@aws-sdk/client-sqs';
import { createSqsClient } from '../../../adapters/sqs/sqs-client';
import type { BenchContext } from './context';

/**
 * Scenarios that write one event per request create one reindex task each, and each would start a
 * Temporal workflow on the shared dev server. Where only the write is measured, the tasks are
 * marked failed (they are never indexed) and the sandbox's index queue is purged.
 * Returns the tasks discarded and the messages left in the queue after the purge.
 */
export async function discardIndexTasks(ctx: Pick<BenchContext, 'ownerPool' | 'config'>, tenantIds: string[]): Promise<{ tasks: number; messagesLeft: number }> {
  const result = await ctx.ownerPool.query(
    `UPDATE async_task SET status = 'failed', error_msg = 'benchmark: indexing of these events skipped', updated_at = now()
      WHERE tenant_id = ANY($1::uuid[]) AND status = 'pending'`,
    [tenantIds],
  );
  const sqs = createSqsClient(ctx.config.sqs);
  try {
    const queueUrl = ctx.config.sqs.queueUrls.index;
    await sqs.send(new PurgeQueueCommand({ QueueUrl: queueUrl }));
    const attributes = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }));
    return { tasks: result.rowCount ?? 0, messagesLeft: Number(attributes.Attributes?.ApproximateNumberOfMessages ?? Number.NaN) };
  } finally {
    sqs.destroy();
  }
}
