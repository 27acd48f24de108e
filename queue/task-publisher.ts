import { SendMessageBatchCommand, type SendMessageBatchCommandOutput } from '@aws-sdk/client-sqs';
import type { Config } from '../config/config';
import type { TaskRef, TaskType } from '../domain/task';
import { encodeTaskMessage } from './task-messages';

export interface TaskPublisher {
  publish(ref: TaskRef): Promise<void>;
}

/** The one SQS call the publisher makes; SQSClient satisfies it. */
export interface SqsBatchSender {
  send(command: SendMessageBatchCommand): Promise<Pick<SendMessageBatchCommandOutput, 'Successful' | 'Failed'>>;
}

export interface PublisherOptions {
  /** How long a message may wait for companions before its batch is sent. */
  lingerMs?: number;
}

const QUEUE_OF: Record<TaskType, keyof Config['sqs']['queueUrls']> = {
  reindex: 'index',
  archive: 'archive',
  log_cleanup: 'cleanup',
  reindex_tenant: 'index',
};

/** SQS's limit on entries in one SendMessageBatch. */
const MAX_BATCH = 10;

export function queueUrlFor(queueUrls: Config['sqs']['queueUrls'], taskType: TaskType): string {
  return queueUrls[QUEUE_OF[taskType]];
}

interface Waiting {
  body: string;
  resolve(): void;
  reject(error: Error): void;
}

/**
 * Publishes task messages in batches of up to ten per queue: concurrent requests share one
 * SendMessageBatch instead of making one SQS call each. Every caller still learns whether its
 * own message was accepted (a refused one is retried by the outbox relay).
 */
export function createSqsTaskPublisher(sqs: SqsBatchSender, queueUrls: Config['sqs']['queueUrls'], { lingerMs = 2 }: PublisherOptions = {}): TaskPublisher {
  const waiting = new Map<string, Waiting[]>();
  const timers = new Map<string, NodeJS.Timeout>();

  async function sendBatch(queueUrl: string, batch: Waiting[]): Promise<void> {
    try {
      const result = await sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: batch.map((entry, index) => ({ Id: String(index), MessageBody: entry.body })) }));
      const failed = new Map((result.Failed ?? []).map((failure) => [failure.Id, failure]));
      batch.forEach((entry, index) => {
        const failure = failed.get(String(index));
        if (failure) entry.reject(new Error(`SQS refused the task message: ${failure.Code ?? 'error'} ${failure.Message ?? ''}`.trim()));
        else entry.resolve();
      });
    } catch (error) {
      batch.forEach((entry) => entry.reject(error as Error));
    }
  }

  function flush(queueUrl: string): void {
    clearTimeout(timers.get(queueUrl));
    timers.delete(queueUrl);
    const queued = waiting.get(queueUrl) ?? [];
    waiting.delete(queueUrl);
    for (let start = 0; start < queued.length; start += MAX_BATCH) void sendBatch(queueUrl, queued.slice(start, start + MAX_BATCH));
  }

  return {
    publish(ref) {
      const queueUrl = queueUrlFor(queueUrls, ref.taskType);
      return new Promise<void>((resolve, reject) => {
        const queued = waiting.get(queueUrl) ?? [];
        queued.push({ body: encodeTaskMessage(ref), resolve, reject });
        waiting.set(queueUrl, queued);
        if (queued.length >= MAX_BATCH) flush(queueUrl);
        else if (!timers.has(queueUrl)) timers.set(queueUrl, setTimeout(() => flush(queueUrl), lingerMs));
      });
    },
  };
}
