import { CreateQueueCommand, GetQueueAttributesCommand, GetQueueUrlCommand, SetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';

export interface QueueSettings {
  visibilityTimeoutSeconds: number;
  maxReceiveCount: number;
}

const queueNameOf = (url: string) => url.replace(/\/+$/, '').split('/').pop() as string;

async function existingQueueUrl(sqs: SQSClient, name: string): Promise<string | undefined> {
  try {
    return (await sqs.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl;
  } catch (error) {
    if ((error as { name?: string }).name === 'QueueDoesNotExist' || (error as { name?: string }).name === 'AWS.SimpleQueueService.NonExistentQueue') return undefined;
    throw error;
  }
}

/**
 * Creates each task queue that is missing, with its `<name>-dlq` dead-letter queue and redrive
 * policy, and brings an existing one to `settings`, so a changed visibility timeout or
 * maxReceiveCount takes effect at the next provisioning.
 */
export async function ensureQueues(sqs: SQSClient, queueUrls: readonly string[], settings: QueueSettings): Promise<string[]> {
  const created: string[] = [];
  for (const url of queueUrls) {
    const name = queueNameOf(url);
    const existing = await existingQueueUrl(sqs, name);
    const dlq = (await existingQueueUrl(sqs, `${name}-dlq`)) ?? (await sqs.send(new CreateQueueCommand({ QueueName: `${name}-dlq` }))).QueueUrl;
    const dlqArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlq, AttributeNames: ['QueueArn'] }))).Attributes?.QueueArn;
    if (!dlqArn) throw new Error(`dead-letter queue ${name}-dlq has no ARN`);
    const attributes = {
      VisibilityTimeout: String(settings.visibilityTimeoutSeconds),
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: String(settings.maxReceiveCount) }),
    };
    if (existing) {
      await sqs.send(new SetQueueAttributesCommand({ QueueUrl: existing, Attributes: attributes }));
      continue;
    }
    await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
    created.push(name);
  }
  return created;
}
