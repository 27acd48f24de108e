import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { createOutboxRelay } from '../../features/delivery/outbox-relay';
import type { TaskRef } from '../../domain/task';
import { createTenant } from '../support/fixtures';
import { testSystem, type TestSystem } from '../support/system';

const MIN_AGE_MS = 100;
const MAX_BACKOFF_MS = 800;
const PASSES = 60;
const PASS_EVERY_MS = 50;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** An unstarted task nothing will ever start (no run), as during a Temporal outage. */
async function insertUnstartedTask(system: TestSystem, tenantId: string): Promise<string> {
  const taskId = randomUUID();
  await system.ownerPool.query(
    `INSERT INTO async_task (task_id, tenant_id, task_type, status, payload, created_at)
     VALUES ($1, $2, 'reindex', 'pending', '{"log_ids": []}', now() - interval '1 minute')`,
    [taskId, tenantId],
  );
  return taskId;
}

async function publishCount(system: TestSystem, taskId: string): Promise<number> {
  const result = await system.ownerPool.query<{ publish_count: number }>('SELECT publish_count FROM async_task WHERE task_id = $1', [taskId]);
  return result.rows[0]!.publish_count;
}

describe('outbox relay backoff while no run can start', function () {
  this.timeout(60_000);
  let system: TestSystem;
  let tenantId: string;
  const taskIds: string[] = [];

  before(async () => {
    system = await testSystem();
    tenantId = await createTenant(system);
    // The shared relay would publish our rows to the real bridge; this test owns the relay for its duration.
    await system.relay.stop();
  });

  after(async () => {
    await system.ownerPool.query('DELETE FROM async_task WHERE task_id = ANY($1::uuid[])', [taskIds]);
    system.relay.start();
  });

  function relayPublishingTo(sink: (ref: TaskRef) => Promise<void>) {
    return createOutboxRelay({ pool: system.appPool, publisher: { publish: sink }, logger: system.logger, minAgeMs: MIN_AGE_MS, maxBackoffMs: MAX_BACKOFF_MS, intervalMs: PASS_EVERY_MS });
  }

  async function runPasses(relay: ReturnType<typeof relayPublishingTo>): Promise<void> {
    for (let pass = 0; pass < PASSES; pass += 1) {
      await relay.relayOnce();
      await sleep(PASS_EVERY_MS);
    }
  }

  it('re-publishes a never-started task with doubling waits up to the cap, not on every pass', async () => {
    const taskId = await insertUnstartedTask(system, tenantId);
    taskIds.push(taskId);
    const published: string[] = [];
    await runPasses(relayPublishingTo(async (ref) => void (ref.taskId === taskId && published.push(ref.taskId))));

    const count = await publishCount(system, taskId);
    console.log(`      ${PASSES} relay passes every ${PASS_EVERY_MS} ms re-published the task ${count} times (min age ${MIN_AGE_MS} ms, cap ${MAX_BACKOFF_MS} ms)`);
    // Without backoff a pass every 50 ms with a 100 ms min age publishes about every other pass (~30).
    // With it: at 0, 0.1, 0.3, 0.7, 1.5 s and then every 0.8 s of the ~3+ s window: at most ~8.
    expect(count).to.equal(published.length);
    expect(count).to.be.within(4, 10);
  });

  it('does not count publishes the queue refused, and publishes promptly once the queue is back', async () => {
    const taskId = await insertUnstartedTask(system, tenantId);
    taskIds.push(taskId);
    let refused = 0;
    await runPasses(
      relayPublishingTo(async (ref) => {
        if (ref.taskId !== taskId) return;
        refused += 1;
        throw new Error('queue down');
      }),
    );
    expect(refused).to.be.greaterThan(10);
    expect(await publishCount(system, taskId)).to.equal(0);

    await sleep(MIN_AGE_MS);
    const published: string[] = [];
    await relayPublishingTo(async (ref) => void (ref.taskId === taskId && published.push(ref.taskId))).relayOnce();
    expect(published).to.deep.equal([taskId]);
    expect(await publishCount(system, taskId)).to.equal(1);
  });
});
