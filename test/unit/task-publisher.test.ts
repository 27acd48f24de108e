import { expect } from 'chai';
import type { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { randomUUID } from 'node:crypto';
import type { TaskRef, TaskType } from '../../domain/task';
import { decodeTaskMessage } from '../../queue/task-messages';
import { createSqsTaskPublisher, type SqsBatchSender } from '../../queue/task-publisher';

const queueUrls = { index: 'http://sqs/q/index', archive: 'http://sqs/q/archive', cleanup: 'http://sqs/q/cleanup' };
const ref = (taskType: TaskType = 'reindex'): TaskRef => ({ taskId: randomUUID(), tenantId: randomUUID(), taskType });

/** Records each batch; `refuse` names message bodies the fake SQS reports as failed entries. */
function fakeSqs(behaviour: { refuse?: (body: string) => boolean; fail?: Error } = {}) {
  const batches: { queueUrl: string; bodies: string[] }[] = [];
  const sender: SqsBatchSender = {
    async send(command: SendMessageBatchCommand) {
      const entries = command.input.Entries ?? [];
      batches.push({ queueUrl: command.input.QueueUrl as string, bodies: entries.map((e) => e.MessageBody as string) });
      if (behaviour.fail) throw behaviour.fail;
      const refused = entries.filter((e) => behaviour.refuse?.(e.MessageBody as string));
      return {
        Successful: entries.filter((e) => !refused.includes(e)).map((e) => ({ Id: e.Id, MessageId: 'm', MD5OfMessageBody: 'x' })),
        Failed: refused.map((e) => ({ Id: e.Id, Code: 'InvalidMessageContents', SenderFault: true, Message: 'no' })),
      } as Awaited<ReturnType<SqsBatchSender['send']>>;
    },
  };
  return { sender, batches };
}

describe('SQS task publisher', () => {
  it('shares SendMessageBatch calls of at most ten among concurrent publishes', async () => {
    const sqs = fakeSqs();
    const refs = Array.from({ length: 25 }, () => ref());
    const publisher = createSqsTaskPublisher(sqs.sender, queueUrls);
    await Promise.all(refs.map((r) => publisher.publish(r)));
    expect(sqs.batches.map((b) => b.bodies.length)).to.deep.equal([10, 10, 5]);
    const sent = sqs.batches.flatMap((b) => b.bodies.map((body) => decodeTaskMessage(body)?.taskId));
    expect(sent).to.deep.equal(refs.map((r) => r.taskId));
  });

  it('sends each task type to its own queue', async () => {
    const sqs = fakeSqs();
    const publisher = createSqsTaskPublisher(sqs.sender, queueUrls);
    await Promise.all([publisher.publish(ref('reindex')), publisher.publish(ref('archive')), publisher.publish(ref('log_cleanup')), publisher.publish(ref('reindex_tenant'))]);
    const byQueue = Object.fromEntries(sqs.batches.map((b) => [b.queueUrl, b.bodies.map((body) => decodeTaskMessage(body)?.taskType)]));
    expect(byQueue).to.deep.equal({ [queueUrls.index]: ['reindex', 'reindex_tenant'], [queueUrls.archive]: ['archive'], [queueUrls.cleanup]: ['log_cleanup'] });
  });

  it('rejects only the publishes whose entries SQS refused', async () => {
    const refused = ref();
    const sqs = fakeSqs({ refuse: (body) => body.includes(refused.taskId) });
    const publisher = createSqsTaskPublisher(sqs.sender, queueUrls);
    const results = await Promise.allSettled([publisher.publish(ref()), publisher.publish(refused), publisher.publish(ref())]);
    expect(results.map((r) => r.status)).to.deep.equal(['fulfilled', 'rejected', 'fulfilled']);
    expect(((results[1] as PromiseRejectedResult).reason as Error).message).to.contain('InvalidMessageContents');
  });

  it('rejects every publish of a batch whose call failed', async () => {
    const sqs = fakeSqs({ fail: new Error('connect ECONNREFUSED') });
    const publisher = createSqsTaskPublisher(sqs.sender, queueUrls);
    const results = await Promise.allSettled([publisher.publish(ref()), publisher.publish(ref())]);
    expect(results.map((r) => r.status)).to.deep.equal(['rejected', 'rejected']);
  });
});
