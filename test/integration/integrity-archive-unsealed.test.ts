import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { logsRepository } from '../../adapters/postgres/logs-repository';
import { tasksRepository } from '../../adapters/postgres/tasks-repository';
import { withTenantTx } from '../../adapters/postgres/tenant-transaction';
import { reindexPayload } from '../../domain/event-time-range';
import type { LogEventInput } from '../../domain/log-event';
import { toNewLogRow } from '../../features/ingest/normalize-event';
import { tokenFor } from '../support/fixtures';
import { leavesOf, logCount, verifyOverHttp } from '../support/integrity';
import { CUTOFF, LONG_AGO, archiveInspector, claimSeededEventIds, createRetentionTenant, eventsBetween, requestCleanupOverHttp, waitForTask } from '../support/retention';
import { testSystem, type TestSystem } from '../support/system';

const EVENTS = 25;

/**
 * Retention racing the sealer: events ingested a moment ago with an old event_timestamp are in the
 * next archive's scope before the tenant's sealer reaches them. The archive seals them first, so
 * its lines carry their seq and the log covers them after the cleanup deleted the rows.
 */
describe('integrity: an archive seals what is waiting before it reads', function () {
  this.timeout(180_000);
  let system: TestSystem;

  before(async () => {
    system = await testSystem();
  });

  it('archives events the sealer had not reached with their seq; after the cleanup the log covers them and verify passes', async () => {
    const tenantId = await createRetentionTenant(system);
    // Written as ingest writes them (rows and their reindex task, in one transaction), but the task
    // never reaches the bridge, so no seal is requested: the sealer has not run when the archive starts.
    const rows = eventsBetween(EVENTS, LONG_AGO, CUTOFF, 'unsealed').map((event) => toNewLogRow(event as unknown as LogEventInput, 'ingest', new Date()));
    const taskId = randomUUID();
    await withTenantTx(system.appPool, tenantId, async (tx) => {
      await logsRepository(tx).insertMany(tenantId, rows);
      await tasksRepository(tx).createStarted(tenantId, { taskId, taskType: 'reindex', userId: 'ingest', payload: reindexPayload(rows), workflowId: `test-${taskId}`, runId: 'test' });
    });
    await system.ownerPool.query(`UPDATE async_task SET status = 'succeeded', updated_at = now() WHERE task_id = $1`, [taskId]);
    await claimSeededEventIds(system, tenantId);
    expect(await leavesOf(system, tenantId), 'nothing sealed before the archive').to.have.length(0);

    const cleanup = await requestCleanupOverHttp(system, tokenFor(system, 'admin'), tenantId, CUTOFF);
    expect(cleanup.status, cleanup.text).to.equal(202);
    const archive = await waitForTask(system, cleanup.body.task_id, 'succeeded');
    await waitForTask(system, archive.result.log_cleanup_task_id, 'succeeded');
    expect(await logCount(system, tenantId), 'the cleanup deleted the archived rows').to.equal(0);

    const leaves = await leavesOf(system, tenantId);
    expect(leaves.map((leaf) => leaf.seq)).to.deep.equal(Array.from({ length: EVENTS }, (_, index) => index + 1));
    const seqOf = new Map(leaves.map((leaf) => [leaf.log_id, leaf.seq]));
    const inspector = archiveInspector(system.config);
    const { manifest } = await inspector.manifest(archive.result.manifest_key);
    const lines: Record<string, unknown>[] = [];
    for (const part of manifest.parts) lines.push(...(await inspector.rows(part.key)));
    inspector.close();
    expect(lines).to.have.length(EVENTS);
    for (const line of lines) expect(line.seq, `seq of archived event ${String(line.id)}`).to.equal(seqOf.get(line.id as string));

    const result = await verifyOverHttp(system, tenantId);
    expect(result.problems).to.deep.equal([]);
    expect(result).to.include({ ok: true, events_checked: EVENTS, tree_size: EVENTS });
  });
});
