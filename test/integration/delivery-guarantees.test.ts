import { expect } from 'chai';
import { GetQueueAttributesCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { encodeTaskMessage } from '../../adapters/sqs/task-messages';
import type { TaskRef } from '../../domain/task';
import { createTenant, tokenFor, validEvent } from '../support/fixtures';
import { startApi, testSystem, type TestSystem } from '../support/system';
import { waitFor } from '../support/wait-for';

async function taskOfLog(system: TestSystem, logId: string) {
  const result = await system.ownerPool.query(`SELECT * FROM async_task WHERE payload->'log_ids' ? $1`, [logId]);
  return result.rows[0] as Record<string, any>;
}

async function runsOf(system: TestSystem, workflowId: string): Promise<string[]> {
  const runIds: string[] = [];
  for await (const execution of system.temporal.workflow.list({ query: `WorkflowId = '${workflowId}'` })) runIds.push(execution.runId);
  return runIds;
}

async function queueDrained(system: TestSystem): Promise<boolean> {
  const attributes = await system.sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: system.config.sqs.queueUrls.index, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
  );
  return attributes.Attributes?.ApproximateNumberOfMessages === '0' && attributes.Attributes?.ApproximateNumberOfMessagesNotVisible === '0';
}

const sendTimes = (system: TestSystem, ref: TaskRef, times: number) =>
  Promise.all(Array.from({ length: times }, () => system.sqs.send(new SendMessageCommand({ QueueUrl: system.config.sqs.queueUrls.index, MessageBody: encodeTaskMessage([ref]) }))));

describe('delivery guarantees on the real stack', function () {
  this.timeout(120_000);
  let system: TestSystem;
  let tenantId: string;
  let token: string;

  before(async () => {
    system = await testSystem();
    tenantId = await createTenant(system);
    token = tokenFor(system, 'user', tenantId);
  });

  it('starts one workflow run per task when its message arrives three times, before and after completion', async () => {
    const dropping = await startApi(system.config, system.logger, { taskPublisher: { publish: async () => undefined } });
    try {
      const posted = await dropping.http.post('/api/v1/logs', { token, body: validEvent() });
      expect(posted.status).to.equal(201);
      const task = await taskOfLog(system, posted.body.id);
      const ref: TaskRef = { taskId: task.task_id, tenantId, taskType: 'reindex' };

      await sendTimes(system, ref, 3);
      const done = await waitFor('the task to succeed', async () => {
        const row = await taskOfLog(system, posted.body.id);
        return row.status === 'succeeded' ? row : undefined;
      });
      await system.temporal.workflow.getHandle(done.workflow_id, done.run_id).result();
      await sendTimes(system, ref, 3);
      await waitFor('the index queue to drain', () => queueDrained(system));

      expect(await runsOf(system, `reindex-${ref.taskId}`)).to.deep.equal([done.run_id]);
      const after = await taskOfLog(system, posted.body.id);
      expect(after).to.include({ status: 'succeeded', run_id: done.run_id, attempts: 1 });
    } finally {
      await dropping.close();
    }
  });

  it('gets an event indexed through the outbox relay when the after-commit publish never happens', async () => {
    const dropping = await startApi(system.config, system.logger, { taskPublisher: { publish: async () => undefined } });
    try {
      const posted = await dropping.http.post('/api/v1/logs', { token, body: validEvent({ message: 'only the relay knows' }) });
      expect(posted.status).to.equal(201);
      const task = await waitFor('the relay-published task to succeed', async () => {
        const row = await taskOfLog(system, posted.body.id);
        return row.status === 'succeeded' ? row : undefined;
      });
      expect(task.publish_count).to.be.at.least(1);
      await system.opensearch.indices.refresh({ index: system.config.opensearch.index });
      const found = await system.opensearch.get({ index: system.config.opensearch.index, id: posted.body.id, routing: tenantId });
      expect(found.body._source).to.include({ message: 'only the relay knows', tenant_id: tenantId });
    } finally {
      await dropping.close();
    }
  });

  it('lists the index workflow runs in the Temporal Web UI', async () => {
    const posted = await system.api.http.post('/api/v1/logs', { token, body: validEvent() });
    const task = await waitFor('the task to succeed', async () => {
      const row = await taskOfLog(system, posted.body.id);
      return row.status === 'succeeded' ? row : undefined;
    });
    await system.temporal.workflow.getHandle(task.workflow_id, task.run_id).result();
    const query = encodeURIComponent(`WorkflowId = '${task.workflow_id}'`);
    const listed = await waitFor('the UI to list the run', async () => {
      const response = await fetch(`${system.config.temporal.uiUrl}/api/v1/namespaces/${system.config.temporal.namespace}/workflows?query=${query}`);
      const body = (await response.json()) as { executions?: { execution: { workflowId: string; runId: string }; type: { name: string }; status: string }[] };
      return body.executions?.length ? body.executions : undefined;
    });
    expect(listed).to.have.length(1);
    expect(listed[0]?.execution).to.deep.equal({ workflowId: task.workflow_id, runId: task.run_id });
    expect(listed[0]?.type.name).to.equal('indexTaskBatchWorkflow');
    expect(listed[0]?.status).to.equal('WORKFLOW_EXECUTION_STATUS_COMPLETED');
  });
});
