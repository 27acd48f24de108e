import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { Config } from '../config/config';
import type { TaskRef, TaskType } from '../domain/task';
import { encodeTaskMessage } from './task-messages';

export interface TaskPublisher {
  publish(ref: TaskRef): Promise<void>;
}

const QUEUE_OF: Record<TaskType, keyof Config['sqs']['queueUrls']> = {
  reindex: 'index',
  archive: 'archive',
  log_cleanup: 'cleanup',
  reindex_tenant: 'index',
};

export function queueUrlFor(queueUrls: Config['sqs']['queueUrls'], taskType: TaskType): string {
  return queueUrls[QUEUE_OF[taskType]];
}

export function createSqsTaskPublisher(sqs: SQSClient, queueUrls: Config['sqs']['queueUrls']): TaskPublisher {
  return {
    async publish(ref) {
      await sqs.send(new SendMessageCommand({ QueueUrl: queueUrlFor(queueUrls, ref.taskType), MessageBody: encodeTaskMessage(ref) }));
    },
  };
}
