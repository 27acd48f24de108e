import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { DeleteQueueCommand, GetQueueAttributesCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { Client, Connection } from '@temporalio/client';
import { tasksRepository } from '../../adapters/postgres/tasks-repository';
import { withTenantTx } from '../../adapters/postgres/tenant-transaction';
import { ensureQueues } from '../../ops/provisioning/ensure-queues';
import { createDeadLetterWatcher, resolveDeadLetterQueue, REDRIVES_ATTRIBUTE, type DeadLetterQueue, type DeadLetterWatcher } from '../../features/delivery/dead-letter-watcher';
import { createDependencyGate, type DependencyGate } from '../../features/delivery/dependency-gate';
import { createTaskBridge, createTemporalGate, type TaskBridge } from '../../features/delivery/task-bridge';
import { encodeTaskMessage } from '../../adapters/sqs/task-messages';
import { capturedLogger } from '../support/captured-logger';
import { createTenant, tokenFor } from '../support/fixtures';
import { taskRow, waitForTask } from '../support/retention';
import { testSystem, type TestSystem } from '../support/system';
import { waitFor } from '../support/wait-for';

/**
 * A bridge pointed at a Temporal namespace that does not exist (a misconfigured deployment; every
 * start fails at once, while Temporal itself answers, so the bridge keeps receiving) consumes a
 * private queue with a small maxReceiveCount, so a task message keeps failing and SQS moves it to
 * the dead-letter queue. The watcher sends it back a few times (Temporal answers), then records it
 * on the task. The shared outbox relay is stopped meanwhile: it would re-publish the unstarted task
 * to the shared index queue, whose healthy bridge would start it.
 */
describe('tasks: dead-lettered task messages', function () {
  this.timeout(120_000);
  let system: TestSystem;
  let queueUrl: string;
  let dlq: DeadLetterQueue;
  let misconfigured: Client;
  let bridge: TaskBridge;
  let watcher: DeadLetterWatcher;
  let gate: DependencyGate;
  let tenantId: string;
  const log = capturedLogger('info');

  const createTask = async (options: { retryCount?: number } = {}) => {
    const taskId = randomUUID();
    await withTenantTx(system.appPool, tenantId, (tx) => tasksRepository(tx).create(tenantId, { taskId, taskType: 'reindex_tenant', userId: 'ops', payload: {} }));
    if (options.retryCount) await system.ownerPool.query('UPDATE async_task SET retry_count = $2 WHERE task_id = $1', [taskId, options.retryCount]);
    return taskId;
  };
  const send = (url: string, body: string) => system.sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: body }));
  const queueDepth = async (url: string) => {
    const { Attributes } = await system.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
    );
    return Number(Attributes?.ApproximateNumberOfMessages) + Number(Attributes?.ApproximateNumberOfMessagesNotVisible);
  };
  const deadLetterLogs = () => log.lines().filter((line) => line.msg === 'task message dead-lettered');

  before(async () => {
    system = await testSystem();
    await system.relay.stop();
    tenantId = await createTenant(system);
    const name = `tasks-dead-letter-${randomUUID().slice(0, 8)}`;
    queueUrl = system.config.sqs.queueUrls.index.replace(/[^/]+$/, name);
    await ensureQueues(system.sqs, [queueUrl], { visibilityTimeoutSeconds: 1, maxReceiveCount: 2 });
    dlq = await resolveDeadLetterQueue(system.sqs, queueUrl);
    misconfigured = new Client({ connection: await Connection.connect({ address: system.config.temporal.address }), namespace: `no-such-namespace-${randomUUID()}` });
    gate = createTemporalGate(misconfigured, log.logger, 1000);
    bridge = createTaskBridge({ sqs: system.sqs, queueUrl, temporal: misconfigured, temporalGate: gate, taskQueue: system.config.temporal.taskQueue, pool: system.appPool, logger: log.logger, waitTimeSeconds: 1 });
    watcher = createDeadLetterWatcher({ sqs: system.sqs, dlq, pool: system.appPool, logger: log.logger, temporalGate: gate, maxRedrives: 2, waitTimeSeconds: 1 });
    bridge.start();
    watcher.start();
  });

  after(async () => {
    await Promise.all([bridge?.stop(), watcher?.stop()]);
    gate?.close();
    await misconfigured?.connection.close().catch(() => undefined);
    for (const url of [queueUrl, dlq?.url]) if (url) await system.sqs.send(new DeleteQueueCommand({ QueueUrl: url })).catch(() => undefined);
    system.relay.start();
  });

  it('finds the dead-letter queue through the redrive policy', () => {
    expect(dlq.name).to.equal(`${queueUrl.split('/').pop()}-dlq`);
    expect(dlq.maxReceiveCount).to.equal(2);
  });

  it('re-drives the message while Temporal answers, then fails the task with the dead-lettering and the last start error, logs the message and deletes it', async () => {
    const taskId = await createTask();
    const body = encodeTaskMessage([{ taskId, tenantId, taskType: 'reindex_tenant' }]);
    await send(queueUrl, body);

    const failed = await waitForTask(system, taskId, 'failed', 90_000);
    expect(failed.error_msg).to.match(new RegExp(`^dead-lettered: the task message was moved to ${dlq.name} after 2 deliveries that did not start a workflow, 3 times \\(re-driven 2 times while Temporal answered\\)`));
    const outcomes = log.lines().filter((line) => line.msg === 'dead letter recorded').map((line) => line.outcome);
    expect(outcomes.filter((outcome) => outcome === 'redriven')).to.have.length(2);
    expect(failed.error_msg).to.match(/last start error: could not start the workflow \(delivery 2\): Namespace not found: 'no-such-namespace-/);
    expect(failed.workflow_id).to.equal(null);
    expect(deadLetterLogs().map((line) => line.body)).to.include(body);
    await waitFor('the dead letter to be deleted', async () => (await queueDepth(dlq.url)) === 0);

    const admin = tokenFor(system, 'admin');
    const retried = await system.api.http.post(`/api/v1/tasks/${taskId}/retry?tenant_id=${tenantId}`, { token: admin });
    expect(retried.status).to.equal(202);
    const succeeded = await waitForTask(system, taskId, 'succeeded');
    expect(succeeded).to.include({ workflow_id: `reindex_tenant-${taskId}-retry-1`, retry_count: 1, error_msg: null });
  });

  it('leaves alone a task whose run started, a task retried since, and a message that is not a task', async () => {
    const started = await createTask();
    await system.ownerPool.query("UPDATE async_task SET workflow_id = 'reindex_tenant-' || task_id, run_id = 'r1' WHERE task_id = $1", [started]);
    const retriedSince = await createTask({ retryCount: 1 });
    const before = await Promise.all([taskRow(system, started), taskRow(system, retriedSince)]);

    const bodies = [
      encodeTaskMessage([{ taskId: started, tenantId, taskType: 'reindex_tenant' }]),
      encodeTaskMessage([{ taskId: retriedSince, tenantId, taskType: 'reindex_tenant' }]),
      'this is not a task message',
    ];
    for (const body of bodies) await send(dlq.url, body);
    await waitFor('the watcher to log every dead letter', () => bodies.every((body) => deadLetterLogs().some((line) => line.body === body)));
    await waitFor('the dead letters to be deleted', async () => (await queueDepth(dlq.url)) === 0);

    const after = await Promise.all([taskRow(system, started), taskRow(system, retriedSince)]);
    expect(after).to.deep.equal(before);
    expect(after.map((row) => row?.status)).to.deep.equal(['pending', 'pending']);
    // Finished, so that the outbox relay, once restarted, does not start them during a later test.
    await system.ownerPool.query("UPDATE async_task SET status = 'succeeded' WHERE task_id = ANY($1::uuid[])", [[started, retriedSince]]);
  });

  it('sends a dead letter of a task still waiting back to its queue, where a bridge starts it', async () => {
    const taskId = await createTask();
    const toSharedQueue = createDeadLetterWatcher({
      sqs: system.sqs,
      dlq: { ...dlq, sourceUrl: system.config.sqs.queueUrls.index },
      pool: system.appPool,
      logger: log.logger,
      temporalGate: system.temporalGate,
    });
    const body = encodeTaskMessage([{ taskId, tenantId, taskType: 'reindex_tenant' }]);
    expect(await toSharedQueue.record({ MessageId: 'm1', Body: body })).to.equal('redriven');
    const succeeded = await waitForTask(system, taskId, 'succeeded');
    expect(succeeded).to.include({ retry_count: 0, error_msg: null, workflow_id: `reindex_tenant-${taskId}` });
  });

  it('leaves a dead letter where it is while Temporal does not answer, and its task untouched', async () => {
    const taskId = await createTask();
    const before = await taskRow(system, taskId);
    const unreachable = createDependencyGate({ name: 'Temporal', probe: () => Promise.reject(new Error('connect ECONNREFUSED')), logger: log.logger, maxIntervalMs: 1000 });
    try {
      const waiting = createDeadLetterWatcher({ sqs: system.sqs, dlq, pool: system.appPool, logger: log.logger, temporalGate: unreachable });
      const message = { MessageId: 'm2', Body: encodeTaskMessage([{ taskId, tenantId, taskType: 'reindex_tenant' }]), MessageAttributes: { [REDRIVES_ATTRIBUTE]: { DataType: 'Number', StringValue: '9' } } };
      const outcome = await waiting.record(message).catch((error: Error) => error.name);
      expect(outcome).to.equal('TemporalUnavailableError');
      expect(unreachable.isShut()).to.equal(true);
      expect(await taskRow(system, taskId)).to.deep.equal(before);
    } finally {
      unreachable.close();
      await system.ownerPool.query("UPDATE async_task SET status = 'succeeded' WHERE task_id = $1", [taskId]);
    }
  });
});
