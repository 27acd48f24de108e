import { expect } from 'chai';
import { createTenant } from '../support/fixtures';
import { expectLogContinued, ingestEvents, leavesOf, waitForSealed } from '../support/integrity';
import { testSystem, type TestSystem } from '../support/system';
import { waitFor } from '../support/wait-for';
import { spawnWorkerProcess, type WorkerProcess } from '../support/worker-process';

const EVENTS = 30_000;

describe('integrity: the sealer killed mid-run', function () {
  this.timeout(300_000);
  let system: TestSystem;
  const workers: WorkerProcess[] = [];

  before(async () => {
    system = await testSystem();
    await system.worker?.stop();
    system.worker = undefined;
  });

  after(async () => {
    for (const worker of workers) await worker.kill('SIGKILL');
    await system.replaceWorker();
  });

  it('skips and reuses no seq: the next attempt continues the log where it stood', async () => {
    const tenantId = await createTenant(system);
    const first = spawnWorkerProcess();
    workers.push(first);
    await first.ready();

    const ingesting = ingestEvents(system, tenantId, EVENTS, 'crash', 1000);
    const count = async () => Number((await system.ownerPool.query('SELECT count(*) AS n FROM integrity_leaves WHERE tenant_id = $1', [tenantId])).rows[0].n);
    await waitFor('the sealer to have sealed some events', async () => (await count()) >= 2000, { timeoutMs: 120_000, intervalMs: 20 });
    expect(await first.kill('SIGKILL')).to.equal('SIGKILL');
    const atKill = await leavesOf(system, tenantId);
    const ids = await ingesting;
    expect(atKill.length, 'the log must still be growing when the sealer dies').to.be.below(ids.length);
    expect(atKill.map((leaf) => leaf.seq)).to.deep.equal(Array.from({ length: atKill.length }, (_, i) => i + 1));

    const second = spawnWorkerProcess();
    workers.push(second);
    await second.ready();
    const started = Date.now();
    await waitForSealed(system, tenantId, ids.length, 180_000);
    console.log(`      ${atKill.length} of ${ids.length} sealed at the kill; the rest sealed ${Date.now() - started} ms after the second worker was ready`);
    await expectLogContinued(system, tenantId, atKill, ids);
  });
});
