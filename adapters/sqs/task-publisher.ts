import { SendMessageBatchCommand, type SendMessageBatchCommandOutput } from '@aws-sdk/client-sqs';
import type { Config } from '../../platform/config/config';
import type { TaskRef, TaskType } from '../../domain/task';
import { taskTypeRow } from '../../domain/task-types';
import { encodeTaskMessage, MAX_REFS_PER_MESSAGE } from './task-messages';
import { chunks } from '../../domain/chunks';

export interface TaskPublisher {
  publish(ref: TaskRef): Promise<void>;
}

/** The one SQS call the publisher makes; SQSClient satisfies it. */
export interface SqsBatchSender {
  send(command: SendMessageBatchCommand): Promise<Pick<SendMessageBatchCommandOutput, 'Successful' | 'Failed'>>;
}

export interface PublisherOptions {
  /**
   * How long a ref may wait for companions before its batch is sent. Publishing happens after the
   * response, so this adds only to index lag, and under load it packs many tasks per message.
   */
  lingerMs?: number;
}

/** SQS's limit on entries in one SendMessageBatch. */
const MAX_ENTRIES = 10;
const MAX_REFS_PER_CALL = MAX_ENTRIES * MAX_REFS_PER_MESSAGE;

export function queueUrlFor(queueUrls: Config['sqs']['queueUrls'], taskType: TaskType): string {
  return queueUrls[taskTypeRow(taskType).queue];
}

interface Waiting {
  ref: TaskRef;
  resolve(): void;
  reject(error: Error): void;
}

/**
 * Publishes task refs packed many to a message and up to ten messages per SendMessageBatch, so
 * concurrent requests share one SQS call and the bridge receives many tasks per message. Every
 * caller still learns whether its own ref was accepted (a refused one is retried by the outbox relay).
 */
export function createSqsTaskPublisher(sqs: SqsBatchSender, queueUrls: Config['sqs']['queueUrls'], { lingerMs = 25 }: PublisherOptions = {}): TaskPublisher {
  const waiting = new Map<string, Waiting[]>();
  const timers = new Map<string, NodeJS.Timeout>();

  async function sendCall(queueUrl: string, messages: Waiting[][]): Promise<void> {
    try {
      const entries = messages.map((refs, index) => ({ Id: String(index), MessageBody: encodeTaskMessage(refs.map((entry) => entry.ref)) }));
      const result = await sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
      const failed = new Map((result.Failed ?? []).map((failure) => [failure.Id, failure]));
      messages.forEach((refs, index) => {
        const failure = failed.get(String(index));
        const error = failure && new Error(`SQS refused the task message: ${failure.Code ?? 'error'} ${failure.Message ?? ''}`.trim());
        for (const entry of refs) {
          if (error) entry.reject(error);
          else entry.resolve();
        }
      });
    } catch (error) {
      for (const entry of messages.flat()) entry.reject(error as Error);
    }
  }

  function flush(queueUrl: string): void {
    clearTimeout(timers.get(queueUrl));
    timers.delete(queueUrl);
    const queued = waiting.get(queueUrl) ?? [];
    waiting.delete(queueUrl);
    for (const call of chunks(chunks(queued, MAX_REFS_PER_MESSAGE), MAX_ENTRIES)) void sendCall(queueUrl, call);
  }

  return {
    publish(ref) {
      const queueUrl = queueUrlFor(queueUrls, ref.taskType);
      return new Promise<void>((resolve, reject) => {
        const queued = waiting.get(queueUrl) ?? [];
        queued.push({ ref, resolve, reject });
        waiting.set(queueUrl, queued);
        if (queued.length >= MAX_REFS_PER_CALL) flush(queueUrl);
        else if (!timers.has(queueUrl)) timers.set(queueUrl, setTimeout(() => flush(queueUrl), lingerMs));
      });
    },
  };
}
