import { expect } from 'chai';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import type { TaskRef } from '../../domain/task';
import { encodeTaskMessage } from '../../adapters/sqs/task-messages';
import { createTenant, tokenFor, validEvent } from '../support/fixtures';
import { startApi, testSystem, type RunningApi, type TestSystem } from '../support/system';
import { waitFor } from '../support/wait-for';

type TaskRow = { task_id: string; tenant_id: string; status: string; workflow_id: string | null; error_msg: string | null; result: unknown };

/** A bulk POST of two events whose task is written but never published, so the test decides which run carries it. */
async function unpublishedTask(api: RunningApi, token: string, label: string): Promise<{ taskId: string; logIds: string[] }> {
  const posted = await api.http.post('/api/v1/logs/bulk', { token, body: { logs: [validEvent({ message: `${label} a` }), validEvent({ message: `${label} b` })] } });
  expect(posted.status, posted.text).to.equal(201);
  return { taskId: posted.body.task_id as string, logIds: posted.body.ids as string[] };
}

/**
 * One index run carries good tasks of two tenants and one task holding a document OpenSearch refuses:
 * a row whose `metadata` is a JSON string where the index maps a `flat_object` (the API only stores
 * objects there; an older build, a hand-made fix or a restore could leave such a row). The refusal is
 * OpenSearch's own mapper, not a stand-in.
 */
describe('index runs: a document OpenSearch refuses fails only its own task', function () {
  this.timeout(120_000);
  let system: TestSystem;
  let silentApi: RunningApi;

  before(async () => {
    system = await testSystem();
    // The relay would publish the unpublished tasks on its own and split them over several runs.
    await system.relay.stop();
    silentApi = await startApi(system.config, system.logger, { taskPublisher: { publish: async () => undefined } });
  });

  after(async () => {
    await silentApi?.close();
    system.relay.start();
  });

  it('fails the task owning the refused document with the reason, and indexes and succeeds every other task of the run', async () => {
    const [first, second] = await Promise.all([createTenant(system), createTenant(system)]);
    const firstToken = tokenFor(system, 'user', first);
    const goodOfFirst = [await unpublishedTask(silentApi, firstToken, 'first 1'), await unpublishedTask(silentApi, firstToken, 'first 2')];
    const bad = await unpublishedTask(silentApi, firstToken, 'first, bad');
    const goodOfSecond = [await unpublishedTask(silentApi, tokenFor(system, 'user', second), 'second 1')];
    const [badLogId, badSibling] = bad.logIds as [string, string];
    const updated = await system.ownerPool.query(`UPDATE logs SET metadata = '"not an object"'::jsonb WHERE tenant_id = $1 AND id = $2`, [first, badLogId]);
    expect(updated.rowCount).to.equal(1);

    const refs: TaskRef[] = [
      ...[...goodOfFirst, bad].map(({ taskId }) => ({ taskId, tenantId: first, taskType: 'reindex' as const })),
      ...goodOfSecond.map(({ taskId }) => ({ taskId, tenantId: second, taskType: 'reindex' as const })),
    ];
    await system.sqs.send(new SendMessageCommand({ QueueUrl: system.config.sqs.queueUrls.index, MessageBody: encodeTaskMessage(refs) }));

    const taskIds = refs.map((ref) => ref.taskId);
    const rows = await waitFor(`${taskIds.length} tasks to end`, async () => {
      const result = await system.ownerPool.query<TaskRow>('SELECT * FROM async_task WHERE task_id = ANY($1::uuid[])', [taskIds]);
      return result.rows.length === taskIds.length && result.rows.every((row) => ['succeeded', 'failed'].includes(row.status)) ? result.rows : undefined;
    });
    const byId = new Map(rows.map((row) => [row.task_id, row]));
    expect(new Set(rows.map((row) => row.workflow_id)).size, 'one run carried every task').to.equal(1);

    const failed = byId.get(bad.taskId) as TaskRow;
    expect(failed.status).to.equal('failed');
    expect(failed.error_msg).to.match(new RegExp(`^DocumentRejectedError: OpenSearch rejected document ${badLogId}: mapper_parsing_exception failed to parse field \\[metadata\\] of type \\[flat_object\\]`));
    for (const { taskId } of [...goodOfFirst, ...goodOfSecond]) {
      expect(byId.get(taskId), taskId).to.include({ status: 'succeeded', error_msg: null });
      expect(byId.get(taskId)?.result).to.deep.equal({ indexed: 2, missing: 0 });
    }

    const run = await system.temporal.workflow.getHandle(rows[0]?.workflow_id as string).result();
    expect(run).to.deep.equal({ tenants: 2, tasks: 4, indexed: 7, missing: 0, rejected: 1 });

    const { index } = system.config.opensearch;
    await system.opensearch.indices.refresh({ index });
    const present = async (tenantId: string, ids: readonly string[]) => {
      const response = await system.opensearch.mget({ index, routing: tenantId, body: { ids } } as never);
      return (response.body as unknown as { docs: { _id: string; found: boolean }[] }).docs.filter((doc) => doc.found).map((doc) => doc._id);
    };
    const firstGood = goodOfFirst.flatMap((task) => task.logIds);
    expect((await present(first, [...firstGood, badSibling])).sort()).to.deep.equal([...firstGood, badSibling].sort());
    expect(await present(first, [badLogId]), 'the refused document is not in the index').to.deep.equal([]);
    const secondGood = goodOfSecond.flatMap((task) => task.logIds);
    expect((await present(second, secondGood)).sort()).to.deep.equal([...secondGood].sort());
  });
});
