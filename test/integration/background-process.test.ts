import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { createTenant, tokenFor, validEvent } from '../support/fixtures';
import { testSystem, type TestSystem } from '../support/system';
import { waitFor } from '../support/wait-for';
import { BACKGROUND, spawnServiceProcess, withWorkerProcesses } from '../support/worker-process';

const BULKS = 4;
const EVENTS_PER_BULK = 25;

interface TaskRow {
  task_id: string;
  status: string;
  attempts: number;
}

/**
 * workers/background.ts, what `npm run up` runs by default: the Temporal worker, the task bridge and
 * the outbox relay in one process. The test system's own worker, bridges and relay are stopped
 * meanwhile, so whatever is delivered and indexed, this process did.
 */
describe('background process: worker, bridge and relay in one process (workers/background.ts)', function () {
  this.timeout(600_000);
  let system: TestSystem;
  let paused = false;
  const pause = async () => {
    await system.pauseDelivery();
    paused = true;
  };
  const resume = () => {
    system.resumeDelivery();
    paused = false;
  };

  before(async () => {
    system = await testSystem();
    await pause();
  });
  // After the hook above, which gives it the system.
  const spawned = withWorkerProcesses(() => system);

  after(() => {
    if (paused) resume();
  });

  const postBulks = async (tenantId: string, label: string) => {
    const token = tokenFor(system, 'user', tenantId);
    for (let round = 0; round < BULKS; round += 1) {
      const logs = Array.from({ length: EVENTS_PER_BULK }, (_, i) => validEvent({ message: `${label} ${round}/${i}` }));
      const answer = await system.api.http.post('/api/v1/logs/bulk', { token, body: { logs } });
      expect(answer.status, answer.text).to.equal(201);
    }
  };

  const tasksOf = async (tenantId: string) =>
    (await system.ownerPool.query<TaskRow>(`SELECT task_id, status, attempts FROM async_task WHERE tenant_id = $1 AND task_type = 'reindex'`, [tenantId])).rows;

  const allSucceeded = (label: string, tenantId: string) =>
    waitFor(
      label,
      async () => {
        const tasks = await tasksOf(tenantId);
        return tasks.length > 0 && tasks.every((task) => task.status === 'succeeded') ? tasks : undefined;
      },
      { timeoutMs: 180_000, intervalMs: 500 },
    );

  const documentsOf = async (tenantId: string) => {
    await system.opensearch.indices.refresh({ index: system.config.opensearch.index });
    const counted = await system.opensearch.count({ index: system.config.opensearch.index, routing: tenantId, body: { query: { term: { tenant_id: tenantId } } } });
    return counted.body.count as number;
  };

  it('delivers and indexes what the API accepts, relays an unpublished task, logs each role by name, and stops cleanly on SIGTERM', async () => {
    const background = spawnServiceProcess(BACKGROUND);
    spawned.push(background);
    await background.ready();
    const lines = background
      .output()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { service?: string; part?: string; msg?: string });
    const partOf = (msg: string) => lines.find((line) => line.msg === msg)?.part;
    expect(partOf('Temporal worker ready')).to.equal('temporal-worker');
    expect(partOf('task bridge consuming')).to.equal('task-bridge');
    expect(partOf('outbox relay started')).to.equal('outbox-relay');
    expect(lines.every((line) => line.service === 'audit-background')).to.equal(true);

    // Through the API: its outbox publishes each batch's task; the process's bridge starts the run, its worker indexes.
    const tenantId = await createTenant(system);
    await postBulks(tenantId, 'background');
    const tasks = await allSucceeded('every task of the load to succeed in the background process', tenantId);
    expect(tasks.filter((task) => task.attempts !== 1), 'a task run twice').to.deep.equal([]);
    expect(await documentsOf(tenantId)).to.equal(BULKS * EVENTS_PER_BULK);

    // Never published (as after a crash between commit and publish): only the process's relay sends it on.
    const unpublished = randomUUID();
    await system.ownerPool.query(
      `INSERT INTO async_task (task_id, tenant_id, task_type, status, payload, created_at)
       VALUES ($1, $2, 'reindex', 'pending', '{"log_ids": []}', now() - interval '1 minute')`,
      [unpublished, tenantId],
    );
    const relayed = await waitFor(
      'the unpublished task to be relayed and run',
      async () => {
        const row = (await system.ownerPool.query<TaskRow & { publish_count: number }>('SELECT task_id, status, attempts, publish_count FROM async_task WHERE task_id = $1', [unpublished])).rows[0];
        return row?.status === 'succeeded' ? row : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 500 },
    );
    expect(relayed.publish_count).to.be.at.least(1);

    // A load still arriving when SIGTERM comes: intake stops, the worker drains, the process exits 0.
    const lateTenant = await createTenant(system);
    await postBulks(lateTenant, 'across shutdown');
    const exit = await background.kill('SIGTERM');
    const atExit = await tasksOf(lateTenant);
    console.log(`      at exit: ${atExit.map((task) => task.status).join(', ')} (tasks of the load posted just before SIGTERM)`);
    expect(exit, background.output().slice(-2000)).to.equal(0);
    expect(background.output()).to.not.contain('overran');

    // Nothing it held is lost or run twice: the test system's roles finish what was left.
    resume();
    await system.replaceWorker();
    const late = await allSucceeded('every task posted across the shutdown to succeed', lateTenant);
    expect(late.filter((task) => task.attempts !== 1), 'a task run twice').to.deep.equal([]);
    expect(await documentsOf(lateTenant)).to.equal(BULKS * EVENTS_PER_BULK);
  });
});
