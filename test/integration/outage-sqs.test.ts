import { expect } from 'chai';
import { outageSandboxName, sandboxQueues, startOutageSystem } from '../support/outage-system';
import {
  expectCommitted,
  expectReadiness,
  ingestDuringOutage,
  outageTenant,
  readEverything,
  requestCleanup,
  seedBeforeOutage,
  taskStatuses,
  tenantTaskIds,
  waitUntilIndexed,
  waitUntilTasksEnd,
  type OutageTenant,
} from '../support/outage-tour';
import { startPrivateElasticMq, type PrivateElasticMq } from '../support/private-elasticmq';
import { countLogs, taskRow } from '../support/retention';
import type { TestSystem } from '../support/system';

describe('outage: SQS (ElasticMQ) down', function () {
  this.timeout(600_000);
  const sandbox = outageSandboxName('sqs');
  let sqs: PrivateElasticMq;
  let system: TestSystem;
  let tenant: OutageTenant;

  before(async () => {
    sqs = await startPrivateElasticMq(sandboxQueues(sandbox), { visibilityTimeoutSeconds: 30, maxReceiveCount: 5 });
    system = await startOutageSystem(sandbox, { sqsEndpoint: sqs.endpoint });
    tenant = await outageTenant(system);
  });
  after(async () => {
    await sqs?.start().catch(() => undefined);
    await system?.stop();
    await sqs?.dispose();
  });

  it('keeps ingesting and serving while tasks wait in the outbox, and the relay drains them once SQS is back', async () => {
    const { acknowledged, before, tail } = await seedBeforeOutage(system, tenant);

    // ElasticMQ keeps messages in memory: whatever was queued is lost with it, as with an SQS region that lost them.
    await sqs.stop();
    let cleanupTaskId: string;
    try {
      const { single, bulk } = await ingestDuringOutage(system, tenant, acknowledged);
      await tail.logWithId(single.body.id);

      const cleanup = await requestCleanup(system, tenant);
      expect(cleanup.status, cleanup.text).to.equal(202);
      cleanupTaskId = cleanup.body.task_id;

      const seen = await readEverything(system, tenant, before.body.id, bulk.body.task_id);
      Object.entries(seen).forEach(([name, response]) => expect(response.status, `${name}: ${response.text.slice(0, 300)}`).to.equal(200));
      expect(seen.task.body.status, 'the task waits in the outbox').to.equal('pending');
      await expectReadiness(system, 200, 'sqs', 'down');
      const waiting = await taskStatuses(system, (await tenantTaskIds(system, tenant.tenantId)).slice(2));
      expect([...waiting.values()].map((task) => task.status), 'both ingest tasks and the archive task').to.deep.equal(['pending', 'pending', 'pending']);
    } finally {
      await sqs.start();
    }

    await waitUntilIndexed(system, tenant.tenantId, acknowledged.ids.slice(1));
    expect(await waitUntilTasksEnd(system, await tenantTaskIds(system, tenant.tenantId))).to.deep.equal([]);
    const archive = await taskRow(system, cleanupTaskId);
    expect(await waitUntilTasksEnd(system, [archive?.result.log_cleanup_task_id])).to.deep.equal([]);
    await expectCommitted(system, tenant.tenantId, acknowledged.ids.slice(1));
    expect(await countLogs(system, tenant.tenantId), 'only the old event was archived and deleted').to.equal(acknowledged.ids.length - 1);
    await expectReadiness(system, 200, 'sqs', 'up');
    await tail.close();
  });
});
