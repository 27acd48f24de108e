import { GetQueueAttributesCommand, GetQueueUrlCommand, SendMessageCommand, type Message, type SQSClient } from '@aws-sdk/client-sqs';
import type { Pool } from 'pg';
import { Consumer } from 'sqs-consumer';
import { stopConsumer } from '../../adapters/sqs/stop-consumer';
import { tasksRepository } from '../../adapters/postgres/tasks-repository';
import { withTenantTx } from '../../adapters/postgres/tenant-transaction';
import type { TaskRef } from '../../domain/task';
import type { Logger } from '../../platform/observability/logger';
import { decodeTaskMessage, encodeTaskMessage } from '../../adapters/sqs/task-messages';
import { isGateWaitAborted, type DependencyGate } from './dependency-gate';

/** Where a task queue sends the messages it gave up on, read from the queue's own redrive policy. */
export interface DeadLetterQueue {
  url: string;
  name: string;
  maxReceiveCount: number;
  /** The task queue whose dead letters these are: where a re-driven message goes back to. */
  sourceUrl: string;
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
  return { url: resolved.QueueUrl, name, maxReceiveCount: Number(maxReceiveCount), sourceUrl: queueUrl };
}

export function deadLetterReason(dlq: DeadLetterQueue, lastStartError: string | null, redrives = 0): string {
  const again = redrives > 0 ? `, ${redrives + 1} times (re-driven ${redrives} times while Temporal answered)` : '';
  return (
    `dead-lettered: the task message was moved to ${dlq.name} after ${dlq.maxReceiveCount} deliveries that did not start a workflow${again}; ` +
    `last start error: ${lastStartError ?? 'none was recorded'}`
  );
}

/** Thrown to leave a dead letter where it is: Temporal does not answer, so neither re-driving nor failing its tasks is right yet. */
export class TemporalUnavailableError extends Error {
  override readonly name = 'TemporalUnavailableError';
}

/** The message attribute counting how often a task message came back from the dead-letter queue. */
export const REDRIVES_ATTRIBUTE = 'redrives';

export interface DeadLetterWatcherDeps {
  sqs: SQSClient;
  dlq: DeadLetterQueue;
  pool: Pool;
  logger: Logger;
  /** The gate over Temporal that the process's task bridges share. */
  temporalGate: DependencyGate;
  /** Re-drives of one task message, while Temporal answers, before its tasks are failed (default 3). */
  maxRedrives?: number;
  waitTimeSeconds?: number;
}

export type DeadLetterOutcome = 'redriven' | 'task-failed' | 'task-unaffected' | 'not-a-task-message';

const redrivesOf = (message: Message) => Number(message.MessageAttributes?.[REDRIVES_ATTRIBUTE]?.StringValue ?? 0) || 0;

/**
 * Handles task messages SQS gave up on. A dependency being down is no reason for a task to fail, so
 * a dead letter whose tasks still wait to start goes back to its queue once Temporal answers (the
 * watcher receives nothing while it does not). Only a message that keeps coming back while
 * Temporal answers (`maxRedrives`: a start Temporal refuses, not one it cannot receive) fails its
 * tasks, with the last start error. Tasks that started or were retried since are left alone; a body
 * that is not a task message is logged and dropped. Every dead letter is logged with its data.
 */
export function createDeadLetterWatcher(deps: DeadLetterWatcherDeps) {
  const { dlq, pool, logger, temporalGate } = deps;
  const maxRedrives = deps.maxRedrives ?? 3;
  let receiving = new AbortController();

  async function stillWaiting(ref: TaskRef): Promise<boolean> {
    const task = await withTenantTx(pool, ref.tenantId, (tx) => tasksRepository(tx).findById(ref.tenantId, ref.taskId));
    return task?.status === 'pending' && task.workflow_id === null && task.retry_count === (ref.retryCount ?? 0);
  }

  async function failTask(ref: TaskRef, redrives: number): Promise<boolean> {
    const failed = await withTenantTx(pool, ref.tenantId, async (tx) => {
      const tasks = tasksRepository(tx);
      const current = await tasks.findById(ref.tenantId, ref.taskId);
      if (!current) return undefined;
      return tasks.markDeadLettered(ref.tenantId, ref.taskId, ref.retryCount ?? 0, deadLetterReason(dlq, current.error_msg, redrives));
    });
    return failed !== undefined;
  }

  async function redrive(refs: readonly TaskRef[], redrives: number): Promise<void> {
    await deps.sqs.send(
      new SendMessageCommand({
        QueueUrl: dlq.sourceUrl,
        MessageBody: encodeTaskMessage(refs),
        MessageAttributes: { [REDRIVES_ATTRIBUTE]: { DataType: 'Number', StringValue: String(redrives + 1) } },
      }),
    );
  }

  async function record(message: Message): Promise<DeadLetterOutcome> {
    const refs = decodeTaskMessage(message.Body);
    const redrives = redrivesOf(message);
    logger.error(
      { deadLetterQueue: dlq.name, messageId: message.MessageId, body: message.Body, attributes: message.Attributes, redrives, taskIds: refs?.map((ref) => ref.taskId) },
      'task message dead-lettered',
    );
    if (!refs) return 'not-a-task-message';
    const waiting: TaskRef[] = [];
    for (const ref of refs) if (await stillWaiting(ref)) waiting.push(ref);
    if (waiting.length === 0) return 'task-unaffected';
    if (!(await temporalGate.check())) throw new TemporalUnavailableError('Temporal does not answer; the dead letter stays until it does');
    if (redrives < maxRedrives) {
      await redrive(waiting, redrives);
      return 'redriven';
    }
    let anyFailed = false;
    for (const ref of waiting) anyFailed = (await failTask(ref, redrives)) || anyFailed;
    return anyFailed ? 'task-failed' : 'task-unaffected';
  }

  const consumer = Consumer.create({
    sqs: deps.sqs,
    queueUrl: dlq.url,
    batchSize: 10,
    waitTimeSeconds: deps.waitTimeSeconds ?? 5,
    messageSystemAttributeNames: ['All'],
    messageAttributeNames: [REDRIVES_ATTRIBUTE],
    handleMessage: async (message) => {
      const outcome = await record(message);
      logger.info({ messageId: message.MessageId, outcome }, 'dead letter recorded');
      return message;
    },
    preReceiveMessageCallback: () => temporalGate.whenOpen(receiving.signal),
    pollingCompleteWaitTimeMs: 10_000,
  });
  consumer.on('error', (error) => {
    if (!isGateWaitAborted(error)) logger.warn({ err: error }, 'dead-letter queue receive or delete failed');
  });
  consumer.on('processing_error', (error) => {
    if (error instanceof TemporalUnavailableError || (error as Error).cause instanceof TemporalUnavailableError) logger.info('dead letter left for when Temporal answers');
    else logger.warn({ err: error }, 'dead letter not handled; it stays for the next read');
  });

  return {
    record,
    start() {
      receiving = new AbortController();
      consumer.start();
    },
    async stop() {
      receiving.abort();
      await stopConsumer(consumer);
    },
  };
}

export type DeadLetterWatcher = ReturnType<typeof createDeadLetterWatcher>;
