import { expect } from 'chai';
import { outageSandboxName, startOutageSystem } from '../support/outage-system';
import {
  expectCommitted,
  expectReadiness,
  ingestDuringOutage,
  outageTenant,
  readEverything,
  requestCleanup,
  seedBeforeOutage,
  tenantTaskIds,
  waitUntilIndexed,
  waitUntilTasksEnd,
  type OutageTenant,
} from '../support/outage-tour';
import { startPrivateTemporal, type PrivateTemporal } from '../support/private-temporal';
import { countLogs, waitForTask } from '../support/retention';
import type { TestSystem } from '../support/system';
import { waitFor } from '../support/wait-for';

/**
 * While Temporal is down the bridges cannot start runs: the first task message each tries is left on
 * its queue for redelivery with the start failure written on its task, and the bridges then stop
 * receiving until Temporal answers (features/delivery/dependency-gate.ts). This outage lasts
 * seconds; outage-temporal-long.test.ts outlasts the dead-letter horizon.
 */
describe('outage: Temporal down', function () {
  this.timeout(600_000);
  let temporal: PrivateTemporal;
  let system: TestSystem;
  let tenant: OutageTenant;

  before(async () => {
    temporal = await startPrivateTemporal();
    system = await startOutageSystem(outageSandboxName('temporal'), { temporalAddress: temporal.address });
    tenant = await outageTenant(system);
  });
  after(async () => {
    await temporal?.start().catch(() => undefined);
    await system?.stop();
    await temporal?.dispose();
  });

  it('keeps ingesting and serving; tasks wait with the start failure recorded, and run once Temporal is back', async () => {
    const { acknowledged, before, tail } = await seedBeforeOutage(system, tenant);

    await temporal.stop();
    let archiveTaskId: string;
    try {
      const { single, bulk } = await ingestDuringOutage(system, tenant, acknowledged);
      await tail.logWithId(single.body.id);
      const cleanup = await requestCleanup(system, tenant);
      expect(cleanup.status, cleanup.text).to.equal(202);
      archiveTaskId = cleanup.body.task_id;

      const seen = await readEverything(system, tenant, before.body.id, bulk.body.task_id);
      Object.entries(seen).forEach(([name, response]) => expect(response.status, `${name}: ${response.text.slice(0, 300)}`).to.equal(200));
      await expectReadiness(system, 200, 'temporal', 'down');
      // Each start is retried by the Temporal client for ~20 s before it fails, one bridge batch at a time.
      const waiting = await waitFor(
        'the bridge to record on a task why it has not started',
        async () => {
          const pending = await system.api.http.get('/api/v1/tasks?status=pending', { token: tenant.reader });
          return (pending.body.items as { error_msg: string | null }[]).find((task) => task.error_msg);
        },
        { timeoutMs: 90_000, intervalMs: 500 },
      );
      expect(waiting).to.include({ status: 'pending', workflow_id: null });
      expect(waiting.error_msg).to.match(/^could not start the workflow \(delivery \d+\): Failed to start Workflow: 14 UNAVAILABLE/);
    } finally {
      await temporal.start();
    }

    const archive = await waitForTask(system, archiveTaskId, 'succeeded', 240_000);
    await waitForTask(system, archive.result.log_cleanup_task_id, 'succeeded', 240_000);
    await waitUntilIndexed(system, tenant.tenantId, acknowledged.ids.slice(1));
    expect(await waitUntilTasksEnd(system, await tenantTaskIds(system, tenant.tenantId))).to.deep.equal([]);
    await expectCommitted(system, tenant.tenantId, acknowledged.ids.slice(1));
    expect(await countLogs(system, tenant.tenantId), 'exactly the old event was archived and deleted').to.equal(acknowledged.ids.length - 1);
    const started = await system.api.http.get(`/api/v1/tasks/${acknowledged.taskIds[0]}`, { token: tenant.reader });
    expect(started.body).to.include({ status: 'succeeded', error_msg: null });
    await expectReadiness(system, 200, 'temporal', 'up');
    await tail.close();
  });
});
