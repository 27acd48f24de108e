import { expect } from 'chai';
import { v7 as uuidv7 } from 'uuid';
import { reconcileScheduleId } from '../../ops/provisioning/ensure-reconcile-schedule';
import type { ReconcileSweepResult } from '../../workflows/reconcile-sweep-workflow';
import { createTenant, tokenFor } from '../support/fixtures';
import { countLogs, eventsBetween, logIds, waitForTask } from '../support/retention';
import { expectFirstAttempt } from '../support/activity-attempts';
import { holdingTableLock } from '../support/held-lock';
import { documentIds } from '../support/search-documents';
import { seedLogs } from '../support/seed-logs';
import { testSystem, type TestSystem } from '../support/system';
import { waitFor } from '../support/wait-for';

const DAY = 24 * 3600_000;
/** The reconcile activity's heartbeat timeout (workflows/activity-presets.ts, `reconciling`). */
const HEARTBEAT_TIMEOUT_MS = 30_000;

/**
 * Reconciliation: drift between PostgreSQL and OpenSearch made behind the service's back (documents
 * deleted, orphan documents written) is found per tenant per day and repaired in the index only.
 */
describe('reconcile: PostgreSQL and OpenSearch compared per tenant per day, the index repaired', function () {
  this.timeout(240_000);
  let system: TestSystem;
  let admin: string;
  let tenantA: string;
  let tenantB: string;
  const index = () => system.config.opensearch.index;
  // Whole UTC days, so every figure below is the same whatever the time of day the suite runs.
  const start = new Date(Math.floor(Date.now() / DAY) * DAY - 30 * DAY);
  const end = new Date(start.getTime() + 20 * DAY);

  /** A document with no row, written straight into the index under `tenantId`'s routing. */
  async function injectOrphan(tenantId: string, at: Date, id = uuidv7()): Promise<string> {
    const document = { id, tenant_id: tenantId, event_timestamp: at.toISOString(), received_at: at.toISOString(), action: 'ghost.event', severity: 'INFO', user_id: 'ghost' };
    await system.opensearch.index({ index: index(), id, routing: tenantId, body: document });
    return id;
  }

  const documentExists = async (tenantId: string, id: string) => (await system.opensearch.exists({ index: index(), id, routing: tenantId })).body === true;

  async function reconcile(tenantId: string): Promise<string> {
    const response = await system.api.http.post(`/api/v1/reconcile?tenant_id=${tenantId}`, { token: admin });
    expect(response.status).to.equal(202);
    expect(response.headers.get('location')).to.equal(`/api/v1/tasks/${response.body.task_id}`);
    return response.body.task_id as string;
  }

  before(async () => {
    system = await testSystem();
    admin = tokenFor(system, 'admin', undefined, 'ops-reconcile');
    tenantA = await createTenant(system);
    tenantB = await createTenant(system);
    await seedLogs(system, tenantA, eventsBetween(3000, start, end));
    await seedLogs(system, tenantB, eventsBetween(300, start, end));
  });

  it("indexes rows without documents and deletes documents without rows, in the tenant's index only, never a row", async () => {
    const rowsA = await logIds(system, tenantA);
    expect(await documentIds(system, tenantA)).to.deep.equal(rowsA);
    const rowCounts = { a: await countLogs(system, tenantA), b: await countLogs(system, tenantB) };

    // Behind the service's back: 150 documents of A deleted, 41 orphans of A within its days and one
    // on a day where A has no rows, and one orphan of B on a day A also uses.
    const lost = [...rowsA].filter((_, i) => i % 20 === 7);
    expect(lost).to.have.length(150);
    await system.opensearch.bulk({ body: lost.map((id) => ({ delete: { _index: index(), _id: id, routing: tenantA } })) });
    const orphansA = await Promise.all(Array.from({ length: 40 }, (_, i) => injectOrphan(tenantA, new Date(start.getTime() + (i * (end.getTime() - start.getTime())) / 40 + 1234))));
    orphansA.push(await injectOrphan(tenantA, new Date(start.getTime() - 5 * DAY)));
    // An id no row can have, which the index's id sums cannot read as hex.
    orphansA.push(await injectOrphan(tenantA, new Date(start.getTime() + 2 * DAY), 'ghost-with-an-id-of-36-characters-zz'));
    const orphanB = await injectOrphan(tenantB, new Date(start.getTime() + 3 * DAY));
    await system.opensearch.indices.refresh({ index: index() });
    expect((await documentIds(system, tenantA)).size).to.equal(3000 - 150 + 42);

    const taskId = await reconcile(tenantA);
    const task = await waitForTask(system, taskId, 'succeeded');
    console.log(`      tenant A: ${JSON.stringify(task.result)}`);
    expect(task).to.include({ task_type: 'reconcile', tenant_id: tenantA, user_id: 'ops-reconcile' });
    expect(task.result).to.include({ missing_indexed: 150, orphans_deleted: 42, start_time: null, end_time: null });
    expect(task.result.buckets_checked).to.be.at.least(21);
    expect(task.result.buckets_differing).to.be.within(1, task.result.buckets_checked);
    expect(Number(task.progress_done)).to.equal(task.result.buckets_checked);
    expect(Number(task.progress_total)).to.equal(task.result.buckets_checked);

    expect(await documentIds(system, tenantA), "A's documents are exactly its rows again").to.deep.equal(rowsA);
    expect(await documentExists(tenantB, orphanB), "B's orphan is not A's run's to touch").to.equal(true);
    expect({ a: await countLogs(system, tenantA), b: await countLogs(system, tenantB) }, 'no row deleted').to.deep.equal(rowCounts);

    // A second run finds nothing to do.
    const again = await waitForTask(system, await reconcile(tenantA), 'succeeded');
    expect(again.result).to.include({ missing_indexed: 0, orphans_deleted: 0, buckets_differing: 0 });
  });

  it('finds a lost document and an orphan on the same day, whose counts cancel out, by the id sums', async () => {
    const rowsA = await logIds(system, tenantA);
    const { rows } = await system.ownerPool.query(`SELECT id::text AS id, event_timestamp FROM logs WHERE tenant_id = $1 ORDER BY id LIMIT 1 OFFSET 100`, [tenantA]);
    const lost = rows[0].id as string;
    await system.opensearch.delete({ index: index(), id: lost, routing: tenantA });
    const orphan = await injectOrphan(tenantA, new Date((rows[0].event_timestamp as Date).getTime()));
    await system.opensearch.indices.refresh({ index: index() });
    expect((await documentIds(system, tenantA)).size, 'as many documents as rows').to.equal(rowsA.size);

    const task = await waitForTask(system, await reconcile(tenantA), 'succeeded');
    expect(task.result).to.include({ missing_indexed: 1, orphans_deleted: 1, buckets_differing: 1 });
    expect(await documentIds(system, tenantA)).to.deep.equal(rowsA);
    expect(await documentExists(tenantA, orphan)).to.equal(false);
  });

  it('runs for every tenant from its daily Schedule, which repairs the other tenant too', async () => {
    const schedule = await system.temporal.schedule.getHandle(reconcileScheduleId(system.config.temporal.taskQueue)).describe();
    expect(schedule.action).to.include({ type: 'startWorkflow', workflowType: 'reconcileSweepWorkflow', taskQueue: system.config.temporal.taskQueue });
    expect(schedule.spec.calendars).to.have.length(1);

    const rowsB = await logIds(system, tenantB);
    const orphanB = await injectOrphan(tenantB, new Date(start.getTime() + 4 * DAY));
    await system.opensearch.indices.refresh({ index: index() });
    const since = new Date();
    const handle = await system.temporal.workflow.start('reconcileSweepWorkflow', { taskQueue: system.config.temporal.taskQueue, workflowId: `reconcile-sweep-test-${uuidv7()}`, args: [] });
    const sweep = (await handle.result()) as ReconcileSweepResult;
    expect(sweep.requested).to.be.at.least(2);

    const taskOfB = await waitFor('the schedule-requested reconcile task of B', async () => {
      const result = await system.ownerPool.query(
        `SELECT task_id FROM async_task WHERE tenant_id = $1 AND task_type = 'reconcile' AND user_id = 'reconcile-schedule' AND created_at >= $2`,
        [tenantB, since],
      );
      return result.rows[0]?.task_id as string | undefined;
    });
    const task = await waitForTask(system, taskOfB, 'succeeded');
    expect(task.result.orphans_deleted).to.be.at.least(2);
    expect(await documentExists(tenantB, orphanB)).to.equal(false);
    expect(await documentIds(system, tenantB)).to.deep.equal(rowsB);
    expect(await logIds(system, tenantB)).to.deep.equal(rowsB);
  });

  it("keeps its one attempt while counting the tenant's rows waits past the heartbeat timeout", async () => {
    // Counting a large tenant's rows per day takes as long as PostgreSQL needs; here `logs` is locked meanwhile.
    const taskId = await holdingTableLock(
      system,
      'logs',
      () => reconcile(tenantB),
      HEARTBEAT_TIMEOUT_MS + 6_000,
    );
    const task = await waitForTask(system, taskId, 'succeeded');
    await expectFirstAttempt(system, task, 'reconcileTenant');
    expect(task.result).to.include({ missing_indexed: 0, orphans_deleted: 0, buckets_differing: 0 });
  });
});
