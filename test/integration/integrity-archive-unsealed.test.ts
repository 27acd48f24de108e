import { expect } from 'chai';
import { tokenFor } from '../support/fixtures';
import { leavesOf, logCount, verifyOverHttp, writeUnsealedEvents } from '../support/integrity';
import { CUTOFF, LONG_AGO, archiveInspector, createRetentionTenant, eventsBetween, requestCleanupOverHttp, waitForTask } from '../support/retention';
import { expectFirstAttempt } from '../support/activity-attempts';
import { holdingLock, holdingTableLock } from '../support/held-lock';
import { copiesOf } from '../support/restores';
import { testSystem, type TestSystem } from '../support/system';

const EVENTS = 25;
/** Longer than the archive activity's heartbeat timeout (20 s, workflows/activity-presets.ts). */
const LOCK_HELD_MS = 26_000;
/** The verify activity's heartbeat timeout (workflows/activity-presets.ts, `verifying`). */
const VERIFY_HEARTBEAT_TIMEOUT_MS = 30_000;

/**
 * Retention racing the sealer: events ingested a moment ago with an old event_timestamp are in the
 * next archive's scope before the tenant's sealer reaches them. The archive seals them first, so
 * its lines carry their seq and the log covers them after the cleanup deleted the rows. An archive
 * whose seal waits for the tenant's lock, and a restore whose check waits for the sealed log, past
 * their activity's heartbeat timeout, each keep their one attempt.
 */
describe('integrity: an archive seals what is waiting before it reads', function () {
  this.timeout(180_000);
  let system: TestSystem;
  /** The first test's tenant: archived and cleaned up, every event sealed. */
  let archivedTenant: string;

  before(async () => {
    system = await testSystem();
  });

  const writeUnsealed = async (tenantId: string, label: string) => {
    await writeUnsealedEvents(system, tenantId, eventsBetween(EVENTS, LONG_AGO, CUTOFF, label));
  };

  it('keeps its one attempt while its seal step waits past the heartbeat timeout for the tenant\'s seal lock', async () => {
    const tenantId = await createRetentionTenant(system);
    archivedTenant = tenantId;
    await writeUnsealed(tenantId, 'locked');
    // Another seal step of the tenant holds the lock (as a slow step under load does): the archive's own step waits for it.
    const cleanup = await holdingLock(
      system,
      { sql: `SELECT pg_advisory_xact_lock(hashtextextended('integrity-seal:' || $1, 0))`, params: [tenantId] },
      async () => {
        const { rows } = await system.ownerPool.query<{ waiting: boolean }>(
          `SELECT count(*) > 0 AS waiting FROM pg_locks
            WHERE locktype = 'advisory' AND NOT granted AND ((classid::bigint << 32) | objid::bigint) = hashtextextended('integrity-seal:' || $1, 0)`,
          [tenantId],
        );
        return rows[0]?.waiting === true;
      },
      () => requestCleanupOverHttp(system, tokenFor(system, 'admin'), tenantId, CUTOFF),
      LOCK_HELD_MS,
    );
    expect(cleanup.status, cleanup.text).to.equal(202);

    const archive = await waitForTask(system, cleanup.body.task_id, 'succeeded');
    await expectFirstAttempt(system, archive, 'writeArchiveParts');

    await waitForTask(system, archive.result.log_cleanup_task_id, 'succeeded');
    expect(await logCount(system, tenantId), 'the cleanup deleted the archived rows').to.equal(0);
    expect((await leavesOf(system, tenantId)).map((leaf) => leaf.seq)).to.deep.equal(Array.from({ length: EVENTS }, (_, index) => index + 1));
  });

  it('archives events the sealer had not reached with their seq; after the cleanup the log covers them and verify passes', async () => {
    const tenantId = await createRetentionTenant(system);
    // Never handed to the bridge: the sealer has not run when the archive starts.
    await writeUnsealed(tenantId, 'unsealed');
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

  it('keeps its one load attempt while the part\'s check against the sealed log waits past the heartbeat timeout', async () => {
    const tenantId = archivedTenant;
    expect(tenantId, 'the first test archived this tenant').to.be.a('string');
    // The load reads the part back and holds every row to its sealed leaf before it loads a batch; the leaves are locked meanwhile.
    // Whatever waits for them once the request was answered is the restore's background work.
    const response = await holdingTableLock(
      system,
      'integrity_leaves',
      () =>
        system.api.http.request('POST', `/api/v1/restores?tenant_id=${tenantId}`, {
          token: tokenFor(system, 'admin'),
          body: { start_time: LONG_AGO.toISOString(), end_time: CUTOFF.toISOString() },
        }),
      LOCK_HELD_MS,
    );
    expect(response.status, response.text).to.equal(202);
    const restore = await waitForTask(system, response.body.task_id as string, 'succeeded');
    await expectFirstAttempt(system, restore, 'loadRestoreParts');
    expect((await copiesOf(system, tenantId, response.body.restore_id as string)).size, 'every archived event restored').to.equal(EVENTS);
  });

  it('keeps its one verify attempt while reading the archived parts waits past the heartbeat timeout', async () => {
    const tenantId = archivedTenant;
    expect(tenantId, 'the first test archived this tenant').to.be.a('string');
    // After the hot leaves, verify reads every archived part back; the parts' list is locked meanwhile.
    const response = await holdingTableLock(
      system,
      'archive_parts',
      () => system.api.http.post('/api/v1/integrity/verify', { token: tokenFor(system, 'auditor', tenantId), body: {} }),
      VERIFY_HEARTBEAT_TIMEOUT_MS + 6_000,
    );
    expect(response.status, response.text).to.equal(202);
    const verify = await waitForTask(system, response.body.task_id as string, 'succeeded');
    await expectFirstAttempt(system, verify, 'verifyTenantLog');
    expect(verify.result.problems).to.deep.equal([]);
    expect(verify.result).to.include({ ok: true, events_checked: EVENTS, tree_size: EVENTS });
  });
});
