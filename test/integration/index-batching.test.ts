import { expect } from 'chai';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import type { TaskRef } from '../../domain/task';
import { createTaskBridge } from '../../features/delivery/task-bridge';
import { encodeTaskMessage } from '../../adapters/sqs/task-messages';
import { createTenant, tokenFor, validEvent } from '../support/fixtures';
import { startApi, testSystem, type RunningApi, type TestSystem } from '../support/system';
import { waitFor } from '../support/wait-for';

type TaskRow = { task_id: string; status: string; workflow_id: string | null; attempts: number; result: unknown; progress_done: number };

async function tasksOf(system: TestSystem, taskIds: readonly string[]): Promise<TaskRow[]> {
  const result = await system.ownerPool.query<TaskRow>('SELECT * FROM async_task WHERE task_id = ANY($1::uuid[]) ORDER BY task_id', [taskIds]);
  return result.rows;
}

const allSucceeded = (system: TestSystem, taskIds: readonly string[]) =>
  waitFor(`${taskIds.length} tasks to succeed`, async () => {
    const rows = await tasksOf(system, taskIds);
    return rows.length === taskIds.length && rows.every((row) => row.status === 'succeeded') ? rows : undefined;
  });

async function runsOf(system: TestSystem, query: string): Promise<string[]> {
  // Visibility is eventually consistent: wait until the run is listed.
  return waitFor(`runs matching ${query}`, async () => {
    const workflowIds: string[] = [];
    for await (const execution of system.temporal.workflow.list({ query })) workflowIds.push(execution.workflowId);
    return workflowIds.length > 0 ? workflowIds : undefined;
  });
}

const runsOfTenant = (system: TestSystem, tenantId: string) => runsOf(system, `TenantId = '${tenantId}' AND WorkflowType = 'indexTaskBatchWorkflow'`);

/** Events whose tasks are written but never published by the API, so the test decides what SQS carries. */
async function unpublishedTasks(api: RunningApi, token: string, count: number): Promise<{ logIds: string[]; taskIds: string[] }> {
  const logIds: string[] = [];
  const taskIds: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const posted = await api.http.post('/api/v1/logs/bulk', { token, body: { logs: [validEvent({ message: `batched ${i}` }), validEvent({ message: `batched ${i}b` })] } });
    expect(posted.status).to.equal(201);
    logIds.push(...(posted.body.ids as string[]));
    taskIds.push(posted.body.task_id as string);
  }
  return { logIds, taskIds };
}

describe('reindex tasks are indexed many to one workflow run', function () {
  this.timeout(120_000);
  let system: TestSystem;
  let silentApi: RunningApi;

  const send = (refs: TaskRef[]) => system.sqs.send(new SendMessageCommand({ QueueUrl: system.config.sqs.queueUrls.index, MessageBody: encodeTaskMessage(refs) }));
  const refsOf = (tenantId: string, taskIds: readonly string[]): TaskRef[] => taskIds.map((taskId) => ({ taskId, tenantId, taskType: 'reindex' }));

  before(async () => {
    system = await testSystem();
    // The relay would re-publish the unpublished tasks on its own schedule and blur which message started which run.
    await system.relay.stop();
    silentApi = await startApi(system.config, system.logger, { taskPublisher: { publish: async () => undefined } });
  });

  after(async () => {
    await silentApi?.close();
    system.relay.start();
  });

  it('indexes every task of one message in a single run and records each outcome', async () => {
    const tenantId = await createTenant(system);
    const { logIds, taskIds } = await unpublishedTasks(silentApi, tokenFor(system, 'user', tenantId), 40);
    await send(refsOf(tenantId, taskIds));

    const rows = await allSucceeded(system, taskIds);
    expect(new Set(rows.map((row) => row.workflow_id)).size).to.equal(1);
    for (const row of rows) {
      expect(row).to.include({ attempts: 1, progress_done: 2 });
      expect(row.result).to.deep.equal({ indexed: 2, missing: 0 });
    }
    expect(await runsOfTenant(system, tenantId)).to.deep.equal([rows[0]?.workflow_id]);
    const run = system.temporal.workflow.getHandle(rows[0]?.workflow_id as string);
    expect(await run.result()).to.deep.equal({ tenants: 1, tasks: 40, indexed: 80, missing: 0, rejected: 0 });

    await system.opensearch.indices.refresh({ index: system.config.opensearch.index });
    const { body } = await system.opensearch.count({ index: system.config.opensearch.index, routing: tenantId, body: { query: { ids: { values: logIds } } } });
    expect(body.count).to.equal(logIds.length);
  });

  it("starts one run for a message that mixes tenants, and records each tenant's tasks on it", async () => {
    const [first, second] = await Promise.all([createTenant(system), createTenant(system)]);
    const a = await unpublishedTasks(silentApi, tokenFor(system, 'user', first), 3);
    const b = await unpublishedTasks(silentApi, tokenFor(system, 'user', second), 3);
    await send([...refsOf(first, a.taskIds), ...refsOf(second, b.taskIds)]);

    const [rowsA, rowsB] = await Promise.all([allSucceeded(system, a.taskIds), allSucceeded(system, b.taskIds)]);
    const runs = new Set([...rowsA, ...rowsB].map((row) => row.workflow_id));
    expect(runs.size).to.equal(1);
    const run = system.temporal.workflow.getHandle([...runs][0] as string);
    expect(await run.result()).to.deep.equal({ tenants: 2, tasks: 6, indexed: 12, missing: 0, rejected: 0 });
    // The run is listed under each tenant it works for and under each of its tasks, through the
    // Temporal client and through the Temporal UI's own HTTP API.
    const runId = [...runs][0] as string;
    expect(await runsOfTenant(system, first)).to.deep.equal([runId]);
    expect(await runsOfTenant(system, second)).to.deep.equal([runId]);
    for (const taskId of [...a.taskIds, ...b.taskIds]) expect(await runsOf(system, `TaskId = '${taskId}'`)).to.deep.equal([runId]);
    for (const tenantId of [first, second]) {
      const listed = await waitFor('the UI to list the run under the tenant', async () => {
        const query = encodeURIComponent(`TenantId = '${tenantId}' AND WorkflowType = 'indexTaskBatchWorkflow'`);
        const response = await fetch(`${system.config.temporal.uiUrl}/api/v1/namespaces/${system.config.temporal.namespace}/workflows?query=${query}`);
        const body = (await response.json()) as { executions?: { execution: { workflowId: string } }[] };
        return body.executions?.length ? body.executions.map((execution) => execution.execution.workflowId) : undefined;
      });
      expect(listed).to.deep.equal([runId]);
    }
  });

  it('starts only the tasks no run has taken when a redelivery regroups them', async () => {
    const tenantId = await createTenant(system);
    const { taskIds } = await unpublishedTasks(silentApi, tokenFor(system, 'user', tenantId), 4);
    const [t1, t2, t3, t4] = taskIds as [string, string, string, string];
    await send(refsOf(tenantId, [t1, t2, t3]));
    const firstRun = await allSucceeded(system, [t1, t2, t3]);

    // The same tasks again, now grouped with a new one: only the new one may run.
    await send(refsOf(tenantId, [t2, t3, t4]));
    await send(refsOf(tenantId, [t1, t2, t3]));
    const [last] = await allSucceeded(system, [t4]);
    const after = await tasksOf(system, [t1, t2, t3]);
    expect(after.map((row) => [row.workflow_id, row.attempts])).to.deep.equal(firstRun.map((row) => [row.workflow_id, 1]));
    expect(last?.workflow_id).to.equal(`reindex-${t4}`);
    await waitFor('the queue to settle', async () => (await runsOfTenant(system, tenantId)).length === 2);
  });

  it('lets a second run over a claimed task do nothing', async () => {
    const tenantId = await createTenant(system);
    const { taskIds } = await unpublishedTasks(silentApi, tokenFor(system, 'user', tenantId), 2);
    await send(refsOf(tenantId, taskIds));
    const done = await allSucceeded(system, taskIds);

    const intruder = await system.temporal.workflow.start('indexTaskBatchWorkflow', {
      taskQueue: system.config.temporal.taskQueue,
      workflowId: `intruder-${taskIds[0]}`,
      args: [{ tenants: [{ tenantId, taskIds }] }],
    });
    expect(await intruder.result()).to.deep.equal({ tenants: 0, tasks: 0, indexed: 0, missing: 0, rejected: 0 });
    expect(await tasksOf(system, taskIds)).to.deep.equal(done);
  });

  it('holds further index runs while the bridge has its limit of runs open', async () => {
    const tenantId = await createTenant(system);
    const { taskIds } = await unpublishedTasks(silentApi, tokenFor(system, 'user', tenantId), 2);
    const [first, second] = taskIds as [string, string];
    const bridge = createTaskBridge({ taskQueue: system.config.temporal.taskQueue, sqs: system.sqs, queueUrl: system.config.sqs.queueUrls.index, temporal: system.temporal, pool: system.appPool, logger: system.logger, maxIndexRunsInFlight: 1 });
    const message = (taskId: string) => ({ MessageId: taskId, Body: encodeTaskMessage(refsOf(tenantId, [taskId])) });

    await system.worker?.stop();
    system.worker = undefined;
    try {
      expect(await bridge.handleBatch([message(first)])).to.have.length(1);
      let secondHandled = false;
      const handlingSecond = bridge.handleBatch([message(second)]).then((handled) => {
        secondHandled = true;
        return handled;
      });
      // The first run cannot close without a worker: the second waits for its slot, unstarted.
      await waitFor('the first run to be recorded', async () => (await tasksOf(system, [first]))[0]?.workflow_id);
      // Absence can only be watched for a while: unthrottled, the second run starts within milliseconds.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(secondHandled).to.equal(false);
      expect((await tasksOf(system, [second]))[0]?.workflow_id).to.equal(null);

      system.worker = await system.startWorker();
      expect(await handlingSecond).to.have.length(1);
      await allSucceeded(system, [first, second]);
    } finally {
      if (!system.worker) system.worker = await system.startWorker();
    }
  });
});

