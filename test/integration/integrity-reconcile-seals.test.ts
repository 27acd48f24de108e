import { expect } from 'chai';
import { createTenant, tokenFor } from '../support/fixtures';
import { ingestEvents, leavesOf, verifyOverHttp, waitForSealed, writeUnsealedEvents } from '../support/integrity';
import { eventsBetween, waitForTask } from '../support/retention';
import { testSystem, type TestSystem } from '../support/system';

const EVENTS = 40;
const DAY = 24 * 3600_000;

/**
 * Events a tenant's sealer never reached (their seal request lost, its session terminated, sealing
 * switched off for a while) on a tenant nothing is ingested into afterwards: the reconcile seals
 * them and signs a checkpoint over them, and seals nothing of another tenant.
 */
describe('integrity: a reconcile seals what the sealer left waiting', function () {
  this.timeout(180_000);
  let system: TestSystem;
  let admin: string;
  const end = new Date(Math.floor(Date.now() / DAY) * DAY);
  const start = new Date(end.getTime() - 3 * DAY);

  before(async () => {
    system = await testSystem();
    admin = tokenFor(system, 'admin', undefined, 'ops-reconcile');
  });

  async function reconcile(tenantId: string): Promise<Record<string, unknown>> {
    const response = await system.api.http.post(`/api/v1/reconcile?tenant_id=${tenantId}`, { token: admin });
    expect(response.status, response.text).to.equal(202);
    return (await waitForTask(system, response.body.task_id as string, 'succeeded')).result as Record<string, unknown>;
  }

  /** Tree sizes of the tenant's stored checkpoints, as the database holds them. */
  async function checkpointSizes(tenantId: string): Promise<number[]> {
    const { rows } = await system.ownerPool.query<{ tree_size: string }>('SELECT tree_size FROM integrity_checkpoints WHERE tenant_id = $1 ORDER BY tree_size', [tenantId]);
    return rows.map((row) => Number(row.tree_size));
  }

  it('seals every waiting event in order and signs a checkpoint over them; the next reconcile seals nothing', async () => {
    const tenantId = await createTenant(system);
    const other = await createTenant(system);
    const ids = await writeUnsealedEvents(system, tenantId, eventsBetween(EVENTS, start, end, 'left waiting'));
    const otherIds = await writeUnsealedEvents(system, other, eventsBetween(7, start, end, 'other tenant'));
    expect(await leavesOf(system, tenantId), 'nothing sealed before the reconcile').to.have.length(0);
    const whileWaiting = await verifyOverHttp(system, tenantId);
    expect(whileWaiting.problems, 'events an ingest recorded are waiting, not inserted behind its back').to.deep.equal([]);

    const result = await reconcile(tenantId);
    expect(result).to.include({ sealed_events: EVENTS, missing_indexed: EVENTS });

    const leaves = await leavesOf(system, tenantId);
    expect(leaves.map((leaf) => leaf.seq)).to.deep.equal(Array.from({ length: EVENTS }, (_, index) => index + 1));
    expect(leaves.map((leaf) => leaf.log_id), 'in the order ingest wrote them').to.deep.equal(ids);
    expect(await checkpointSizes(tenantId)).to.deep.equal([EVENTS]);
    expect(await leavesOf(system, other), "another tenant's waiting events stay its own sealer's").to.have.length(0);
    expect(otherIds).to.have.length(7);

    const again = await reconcile(tenantId);
    expect(again).to.include({ sealed_events: 0 });
    expect(await checkpointSizes(tenantId), 'no second checkpoint of the same tree').to.deep.equal([EVENTS]);
    expect(await leavesOf(system, tenantId)).to.have.length(EVENTS);

    const verified = await verifyOverHttp(system, tenantId);
    expect(verified.problems).to.deep.equal([]);
    expect(verified).to.include({ ok: true, events_checked: EVENTS, tree_size: EVENTS });
  });

  it('seals an ingest transaction that committed later than the sealer looks back, after later ones were sealed', async () => {
    const tenantId = await createTenant(system);
    const before = await ingestEvents(system, tenantId, 20, 'before');
    await waitForSealed(system, tenantId, before.length);
    const late = await writeUnsealedEvents(system, tenantId, eventsBetween(10, start, end, 'late commit'));
    // Its task carries its transaction's start time: ten minutes before the commit, as for an ingest
    // transaction that stalled that long (a lock, a paused process) before it committed.
    const backdated = await system.ownerPool.query(
      `UPDATE async_task SET created_at = now() - interval '10 minutes' WHERE tenant_id = $1 AND task_type = 'reindex' AND payload->'log_ids' ? $2`,
      [tenantId, late[0]],
    );
    expect(backdated.rowCount).to.equal(1);
    const after = await ingestEvents(system, tenantId, 20, 'after');
    await waitForSealed(system, tenantId, before.length + after.length);

    const result = await reconcile(tenantId);
    expect(result).to.include({ sealed_events: late.length });

    const leaves = await leavesOf(system, tenantId);
    const total = before.length + after.length + late.length;
    expect(leaves.map((leaf) => leaf.seq)).to.deep.equal(Array.from({ length: total }, (_, index) => index + 1));
    expect(leaves.slice(-late.length).map((leaf) => leaf.log_id), 'sealed last, in the order ingest wrote them').to.deep.equal(late);
    expect(await checkpointSizes(tenantId)).to.include(total);

    const verified = await verifyOverHttp(system, tenantId);
    expect(verified.problems).to.deep.equal([]);
    expect(verified).to.include({ ok: true, events_checked: total, tree_size: total });
  });
});
