import { expect } from 'chai';
import type { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { randomUUID } from 'node:crypto';
import type { TaskRef, TaskType } from '../../domain/task';
import { decodeTaskMessage, MAX_REFS_PER_MESSAGE } from '../../adapters/sqs/task-messages';
import { createSqsTaskPublisher, type SqsBatchSender } from '../../adapters/sqs/task-publisher';

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
  it('packs concurrent publishes many to a message and ten messages to a SendMessageBatch', async () => {
    const sqs = fakeSqs();
    const refs = Array.from({ length: 1150 }, () => ref());
    const publisher = createSqsTaskPublisher(sqs.sender, queueUrls);
    await Promise.all(refs.map((r) => publisher.publish(r)));
    expect(sqs.batches.map((b) => b.bodies.length)).to.deep.equal([10, 2]);
    const perMessage = sqs.batches.flatMap((b) => b.bodies.map((body) => decodeTaskMessage(body)?.length));
    expect(perMessage).to.deep.equal([...Array(11).fill(MAX_REFS_PER_MESSAGE), 50]);
    const sent = sqs.batches.flatMap((b) => b.bodies.flatMap((body) => decodeTaskMessage(body)?.map((r) => r.taskId)));
    expect(sent).to.deep.equal(refs.map((r) => r.taskId));
  });

  it('sends a lone publish after the linger, without waiting for companions', async () => {
    const sqs = fakeSqs();
    const publisher = createSqsTaskPublisher(sqs.sender, queueUrls, { lingerMs: 1 });
    const lone = ref();
    await publisher.publish(lone);
    expect(sqs.batches).to.have.length(1);
    expect(decodeTaskMessage(sqs.batches[0]?.bodies[0])).to.deep.equal([lone]);
  });

  it('sends each task type to its own queue', async () => {
    const sqs = fakeSqs();
    const publisher = createSqsTaskPublisher(sqs.sender, queueUrls);
    await Promise.all([publisher.publish(ref('reindex')), publisher.publish(ref('archive')), publisher.publish(ref('log_cleanup')), publisher.publish(ref('reindex_tenant'))]);
    const byQueue = Object.fromEntries(sqs.batches.map((b) => [b.queueUrl, b.bodies.flatMap((body) => decodeTaskMessage(body)?.map((r) => r.taskType))]));
    expect(byQueue).to.deep.equal({ [queueUrls.index]: ['reindex', 'reindex_tenant'], [queueUrls.archive]: ['archive'], [queueUrls.cleanup]: ['log_cleanup'] });
  });

  it('rejects only the publishes whose message SQS refused', async () => {
    const refused = ref();
    const sqs = fakeSqs({ refuse: (body) => body.includes(refused.taskId) });
    const publisher = createSqsTaskPublisher(sqs.sender, queueUrls);
    const accepted = Array.from({ length: MAX_REFS_PER_MESSAGE }, () => ref());
    const results = await Promise.allSettled([...accepted, refused].map((r) => publisher.publish(r)));
    expect(sqs.batches.map((b) => b.bodies.length)).to.deep.equal([2]);
    expect(results.filter((r) => r.status === 'fulfilled')).to.have.length(MAX_REFS_PER_MESSAGE);
    const last = results[MAX_REFS_PER_MESSAGE] as PromiseRejectedResult;
    expect(last.status).to.equal('rejected');
    expect((last.reason as Error).message).to.contain('InvalidMessageContents');
  });

  it('rejects every publish of a batch whose call failed', async () => {
    const sqs = fakeSqs({ fail: new Error('connect ECONNREFUSED') });
    const publisher = createSqsTaskPublisher(sqs.sender, queueUrls);
    const results = await Promise.allSettled([publisher.publish(ref()), publisher.publish(ref())]);
    expect(results.map((r) => r.status)).to.deep.equal(['rejected', 'rejected']);
  });
});
