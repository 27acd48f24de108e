import { CreateQueueCommand, GetQueueAttributesCommand, GetQueueUrlCommand, type SQSClient } from '@aws-sdk/client-sqs';

export interface QueueSettings {
  visibilityTimeoutSeconds: number;
  maxReceiveCount: number;
}

const queueNameOf = (url: string) => url.replace(/\/+$/, '').split('/').pop() as string;

async function queueExists(sqs: SQSClient, name: string): Promise<boolean> {
  try {
    await sqs.send(new GetQueueUrlCommand({ QueueName: name }));
    return true;
  } catch (error) {
    if ((error as { name?: string }).name === 'QueueDoesNotExist' || (error as { name?: string }).name === 'AWS.SimpleQueueService.NonExistentQueue') return false;
    throw error;
  }
}

/** Creates each task queue that is missing, with its `<name>-dlq` dead-letter queue and redrive policy. */
export async function ensureQueues(sqs: SQSClient, queueUrls: readonly string[], settings: QueueSettings): Promise<string[]> {
  const created: string[] = [];
  for (const url of queueUrls) {
    const name = queueNameOf(url);
    if (await queueExists(sqs, name)) continue;
    const dlq = await sqs.send(new CreateQueueCommand({ QueueName: `${name}-dlq` }));
    const dlqArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl, AttributeNames: ['QueueArn'] }))).Attributes?.QueueArn;
    if (!dlqArn) throw new Error(`dead-letter queue ${name}-dlq has no ARN`);
    await sqs.send(
      new CreateQueueCommand({
        QueueName: name,
        Attributes: {
          VisibilityTimeout: String(settings.visibilityTimeoutSeconds),
          RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: String(settings.maxReceiveCount) }),
        },
      }),
    );
    created.push(name);
  }
  return created;
}
