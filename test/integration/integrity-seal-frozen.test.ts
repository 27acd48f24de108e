import { expect } from 'chai';
import { Pool } from 'pg';
import { createTenant } from '../support/fixtures';
import { expectLogContinued, ingestEvents, leavesOf, waitForSealed } from '../support/integrity';
import { testSystem, type TestSystem } from '../support/system';
import { waitFor } from '../support/wait-for';
import { spawnWorkerProcess, withWorkerProcesses } from '../support/worker-process';

const EVENTS = 30_000;
/** The frozen worker's DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS: short, so the test does not wait the default 5 minutes. */
const IDLE_IN_TRANSACTION_MS = 10_000;

/**
 * A worker frozen (SIGSTOP: a process stopped, swapped out, its host suspended) inside a seal step,
 * holding the tenant's seal lock in an open transaction. Its attempt misses its heartbeats and
 * Temporal retries the round on another worker, whose step waits for that lock while beating; only
 * PostgreSQL can end the wait, by ending the frozen session. Observed from the superuser's view of
 * the sessions and locks, and from the leaves the database holds.
 */
describe('integrity: a sealer frozen mid-step', function () {
  this.timeout(300_000);
  let system: TestSystem;
  let admin: Pool;

  before(async () => {
    system = await testSystem();
    admin = new Pool({ connectionString: process.env.DATABASE_ADMIN_URL, max: 1 });
  });
  const workers = withWorkerProcesses(() => system);

  after(async () => {
    await admin?.end();
  });

  /** The session holding the tenant's seal lock, with its state, if any holds it (the superuser sees every role's sessions). */
  async function sealLockHolder(tenantId: string): Promise<{ pid: number; state: string } | undefined> {
    const { rows } = await admin.query<{ pid: number; state: string }>(
      `WITH key AS (SELECT hashtextextended('integrity-seal:' || $1, 0) AS k)
       SELECT a.pid, a.state FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid, key
        WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
          AND l.classid::bigint = ((key.k >> 32) & 4294967295) AND l.objid::bigint = (key.k & 4294967295)`,
      [tenantId],
    );
    return rows[0];
  }

  it('loses its session after the idle-in-transaction timeout: another worker seals on, skipping and reusing no seq', async () => {
    const tenantId = await createTenant(system);
    const first = spawnWorkerProcess({ DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS: String(IDLE_IN_TRANSACTION_MS) });
    workers.push(first);
    await first.ready();

    const ingesting = ingestEvents(system, tenantId, EVENTS, 'frozen', 1000);
    const count = async () => (await leavesOf(system, tenantId)).length;
    await waitFor('the sealer to have sealed some events', async () => (await count()) >= 2000, { timeoutMs: 120_000, intervalMs: 50 });

    // Frozen where the step waits on the worker (hashing, between statements), not where
    // PostgreSQL is still sending it rows: only an idle session is what this timeout ends.
    const frozen = await waitFor(
      'the worker frozen inside a seal step, its session idle in the transaction that holds the lock',
      async () => {
        process.kill(first.pid, 'SIGSTOP');
        await new Promise((resolve) => setTimeout(resolve, 200));
        const holder = await sealLockHolder(tenantId);
        if (holder?.state === 'idle in transaction') return holder;
        process.kill(first.pid, 'SIGCONT');
        await new Promise((resolve) => setTimeout(resolve, 50));
        return undefined;
      },
      { timeoutMs: 60_000, intervalMs: 0 },
    );
    const atFreeze = await leavesOf(system, tenantId);
    expect(atFreeze.map((leaf) => leaf.seq)).to.deep.equal(Array.from({ length: atFreeze.length }, (_, i) => i + 1));

    const second = spawnWorkerProcess();
    workers.push(second);
    await second.ready();
    const ids = await ingesting;
    expect(atFreeze.length, 'the log must still be growing when the sealer freezes').to.be.below(ids.length);
    const started = Date.now();
    await waitForSealed(system, tenantId, ids.length, 180_000);
    console.log(`      ${atFreeze.length} of ${ids.length} sealed at the freeze; the rest sealed ${Date.now() - started} ms after the second worker was ready`);

    const sessions = await admin.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [frozen.pid]);
    expect(sessions.rowCount, 'PostgreSQL ended the frozen session').to.equal(0);
    expect(first.exited(), 'the frozen worker is still there, stopped').to.equal(false);

    await expectLogContinued(system, tenantId, atFreeze, ids);
  });
});
