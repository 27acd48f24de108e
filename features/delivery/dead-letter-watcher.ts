import { GetQueueAttributesCommand, GetQueueUrlCommand, type Message, type SQSClient } from '@aws-sdk/client-sqs';
import type { Pool } from 'pg';
import { Consumer } from 'sqs-consumer';
import { stopConsumer } from '../../adapters/sqs/stop-consumer';
import { tasksRepository } from '../../adapters/postgres/tasks-repository';
import { withTenantTx } from '../../adapters/postgres/tenant-transaction';
import type { Task, TaskRef } from '../../domain/task';
import type { Logger } from '../../platform/observability/logger';
import { decodeTaskMessage } from '../../adapters/sqs/task-messages';

/** Where a task queue sends the messages it gave up on, read from the queue's own redrive policy. */
export interface DeadLetterQueue {
  url: string;
  name: string;
  maxReceiveCount: number;
}

/** Follows the queue's RedrivePolicy, so the watcher reads whatever dead-letter queue SQS really moves messages to. */
export async function resolveDeadLetterQueue(sqs: SQSClient, queueUrl: string): Promise<DeadLetterQueue> {
  const attributes = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['RedrivePolicy'] }));
  const policy = attributes.Attributes?.RedrivePolicy;
  if (!policy) throw new Error(`queue ${queueUrl} has no redrive policy, so nothing is ever dead-lettered from it`);
  const { deadLetterTargetArn, maxReceiveCount } = JSON.parse(policy) as { deadLetterTargetArn: string; maxReceiveCount: string | number };
  const [, , , , accountId, name] = deadLetterTargetArn.split(':');
  if (!name) throw new Error(`queue ${queueUrl} names an unreadable dead-letter target ${deadLetterTargetArn}`);
  const resolved = await sqs.send(new GetQueueUrlCommand({ QueueName: name, ...(accountId ? { QueueOwnerAWSAccountId: accountId } : {}) }));
  if (!resolved.QueueUrl) throw new Error(`dead-letter queue ${name} has no URL`);
  return { url: resolved.QueueUrl, name, maxReceiveCount: Number(maxReceiveCount) };
}

export function deadLetterReason(dlq: DeadLetterQueue, lastStartError: string | null): string {
  return (
    `dead-lettered: the task message was moved to ${dlq.name} after ${dlq.maxReceiveCount} deliveries that did not start a workflow; ` +
    `last start error: ${lastStartError ?? 'none was recorded'}`
  );
}

export interface DeadLetterWatcherDeps {
  sqs: SQSClient;
  dlq: DeadLetterQueue;
  pool: Pool;
  logger: Logger;
  waitTimeSeconds?: number;
}

export type DeadLetterOutcome = 'task-failed' | 'task-unaffected' | 'not-a-task-message';

/**
 * Makes "a message that keeps failing" visible on its tasks: each dead-lettered task message marks
 * every task it carries `failed` with the reason, unless that message's generation already started a run or was
 * superseded by a retry. The message's data goes to the log, then the message is deleted; if the
 * database write fails the message stays and is read again.
 */
export function createDeadLetterWatcher(deps: DeadLetterWatcherDeps) {
  const { dlq, pool, logger } = deps;

  async function failTask(ref: TaskRef): Promise<boolean> {
    const failed: Task | undefined = await withTenantTx(pool, ref.tenantId, async (tx) => {
      const tasks = tasksRepository(tx);
      const current = await tasks.findById(ref.tenantId, ref.taskId);
      if (!current) return undefined;
      return tasks.markDeadLettered(ref.tenantId, ref.taskId, ref.retryCount ?? 0, deadLetterReason(dlq, current.error_msg));
    });
    return failed !== undefined;
  }

  async function record(message: Message): Promise<DeadLetterOutcome> {
    const refs = decodeTaskMessage(message.Body);
    logger.error(
      { deadLetterQueue: dlq.name, messageId: message.MessageId, body: message.Body, attributes: message.Attributes, taskIds: refs?.map((ref) => ref.taskId) },
      'task message dead-lettered',
    );
    if (!refs) return 'not-a-task-message';
    let anyFailed = false;
    for (const ref of refs) anyFailed = (await failTask(ref)) || anyFailed;
    return anyFailed ? 'task-failed' : 'task-unaffected';
  }

  const consumer = Consumer.create({
    sqs: deps.sqs,
    queueUrl: dlq.url,
    batchSize: 10,
    waitTimeSeconds: deps.waitTimeSeconds ?? 5,
    messageSystemAttributeNames: ['All'],
    handleMessage: async (message) => {
      const outcome = await record(message);
      logger.info({ messageId: message.MessageId, outcome }, 'dead letter recorded');
      return message;
    },
    pollingCompleteWaitTimeMs: 10_000,
  });
  consumer.on('error', (error) => logger.warn({ err: error }, 'dead-letter queue receive or delete failed'));
  consumer.on('processing_error', (error) => logger.warn({ err: error }, 'dead letter not recorded; it stays for the next read'));

  return {
    record,
    start: () => consumer.start(),
    stop: () => stopConsumer(consumer),
  };
}

export type DeadLetterWatcher = ReturnType<typeof createDeadLetterWatcher>;
