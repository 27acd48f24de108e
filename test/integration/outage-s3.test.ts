import { expect } from 'chai';
import { loadConfig } from '../../platform/config/config';
import { outageSandboxName, sandboxEnv, startOutageSystem } from '../support/outage-system';
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
import { startPrivateS3, type PrivateS3 } from '../support/private-s3';
import { countLogs, waitForTask } from '../support/retention';
import type { TestSystem } from '../support/system';

/**
 * S3 down when a cleanup is requested: the archive fails before its first part. S3 going down in the
 * middle of an archive (resume after retry, parts kept, byte-level checks) is retention-faults.test.ts.
 */
describe('outage: S3 (versitygw) down', function () {
  this.timeout(600_000);
  const sandbox = outageSandboxName('s3');
  let s3: PrivateS3;
  let system: TestSystem;
  let tenant: OutageTenant;

  before(async () => {
    s3 = await startPrivateS3(loadConfig(sandboxEnv(sandbox)));
    system = await startOutageSystem(sandbox, { s3Endpoint: s3.endpoint });
    tenant = await outageTenant(system);
  });
  after(async () => {
    await system?.stop();
    await s3?.dispose();
  });

  it('serves everything but archiving; the archive fails with a clear error, deletes nothing, and a retry after S3 returns completes the chain', async () => {
    const { acknowledged, before, tail } = await seedBeforeOutage(system, tenant);

    await s3.stop();
    let archiveTaskId: string;
    try {
      const { single, bulk } = await ingestDuringOutage(system, tenant, acknowledged);
      await tail.logWithId(single.body.id);
      await waitUntilIndexed(system, tenant.tenantId, acknowledged.ids);

      const seen = await readEverything(system, tenant, before.body.id, bulk.body.task_id);
      Object.entries(seen).forEach(([name, response]) => expect(response.status, `${name}: ${response.text.slice(0, 300)}`).to.equal(200));
      await expectReadiness(system, 200, 's3', 'down');

      const cleanup = await requestCleanup(system, tenant);
      expect(cleanup.status, cleanup.text).to.equal(202);
      archiveTaskId = cleanup.body.task_id;
      await waitForTask(system, archiveTaskId, 'failed', 240_000);
      const failed = await system.api.http.get(`/api/v1/tasks/${archiveTaskId}`, { token: tenant.reader });
      expect(failed.status).to.equal(200);
      expect(failed.body).to.include({ status: 'failed', result: null });
      expect(failed.body.error_msg).to.match(/^ObjectStoreError: S3 .* failed: .*ECONNREFUSED/);
      expect(await countLogs(system, tenant.tenantId), 'nothing is deleted unarchived').to.equal(acknowledged.ids.length);
    } finally {
      await s3.start();
    }

    const retried = await system.api.http.post(`/api/v1/tasks/${archiveTaskId}/retry?tenant_id=${tenant.tenantId}`, { token: tenant.admin });
    expect(retried.status, retried.text).to.equal(202);
    const archive = await waitForTask(system, archiveTaskId, 'succeeded', 240_000);
    await waitForTask(system, archive.result.log_cleanup_task_id, 'succeeded', 240_000);
    expect(await waitUntilTasksEnd(system, await tenantTaskIds(system, tenant.tenantId))).to.deep.equal([]);
    await expectCommitted(system, tenant.tenantId, acknowledged.ids.slice(1));
    expect(await countLogs(system, tenant.tenantId), 'exactly the old event was archived and deleted').to.equal(acknowledged.ids.length - 1);
    await expectReadiness(system, 200, 's3', 'up');
    await tail.close();
  });
});
