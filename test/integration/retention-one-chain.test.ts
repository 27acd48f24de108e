import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { tenantsRepository } from '../../adapters/postgres/tenants-repository';
import type { RetentionSweepResult } from '../../workflows/retention-sweep-workflow';
import { tokenFor } from '../support/fixtures';
import { archiveInspector, createRetentionTenant, eventsBetween, logIds, requestCleanupOverHttp, waitForTask } from '../support/retention';
import { seedLogs } from '../support/seed-logs';
import { testSystem, type TestSystem } from '../support/system';

const DAY = 24 * 3600_000;
const CONCURRENT_REQUESTS = 10;

/**
 * Design guarantee 7, second half: one archive/cleanup chain per tenant at a time, so no event is
 * in two manifests, whoever asks (API processes, the scheduled sweep) and however at once.
 */
describe('retention: one archive/cleanup chain per tenant at a time', function () {
  this.timeout(300_000);
  let system: TestSystem;
  let admin: string;

  before(async () => {
    system = await testSystem();
    admin = tokenFor(system, 'admin', undefined, 'ops-one-chain');
  });

  const chainTasks = async (tenantId: string) =>
    (await system.ownerPool.query(`SELECT task_id, task_type, status FROM async_task WHERE tenant_id = $1 AND task_type IN ('archive', 'log_cleanup') ORDER BY created_at`, [tenantId]))
      .rows as { task_id: string; task_type: string; status: string }[];

  /** Every event id of every manifest of the tenant in the bucket, read from S3 directly, by manifest. */
  async function manifestsInBucket(tenantId: string): Promise<Map<string, string[]>> {
    const inspector = archiveInspector(system.config);
    try {
      const keys: string[] = [];
      let token: string | undefined;
      do {
        const page = await inspector.s3.send(new ListObjectsV2Command({ Bucket: system.config.s3.bucket, Prefix: `tenants/${tenantId}/`, ContinuationToken: token }));
        keys.push(...(page.Contents ?? []).map((object) => object.Key as string).filter((key) => key.endsWith('manifest.json')));
        token = page.NextContinuationToken;
      } while (token);
      const byManifest = new Map<string, string[]>();
      for (const key of keys) byManifest.set(key, (await inspector.events((await inspector.manifest(key)).manifest)).map((event) => event.id));
      return byManifest;
    } finally {
      inspector.close();
    }
  }

  async function runSweep(): Promise<RetentionSweepResult> {
    const handle = await system.temporal.workflow.start('retentionSweepWorkflow', { taskQueue: system.config.temporal.taskQueue, workflowId: `one-chain-sweep-${randomUUID()}`, args: [] });
    return (await handle.result()) as RetentionSweepResult;
  }

  it('lets exactly one of ten concurrent requests and a sweep start a chain; every event lands in one manifest', async () => {
    const tenant = await tenantsRepository(system.appPool).create({ id: randomUUID(), name: `one-chain-${randomUUID()}`, retentionDays: 30 });
    const tenantId = tenant.id;
    const now = Date.now();
    const first = await seedLogs(system, tenantId, eventsBetween(3000, new Date(now - 90 * DAY), new Date(now - 40 * DAY)));
    const cutoff = new Date(now - 35 * DAY);

    const [sweep, ...responses] = await Promise.all([
      runSweep(),
      ...Array.from({ length: CONCURRENT_REQUESTS }, () => requestCleanupOverHttp(system, admin, tenantId, cutoff)),
    ]);
    const chains = (await chainTasks(tenantId)).filter((task) => task.task_type === 'archive');
    const accepted = responses.filter((response) => response.status === 202);
    const refused = responses.filter((response) => response.status === 409);
    console.log(`      ${CONCURRENT_REQUESTS} concurrent requests + 1 sweep: ${accepted.length} accepted, ${refused.length} refused with 409; sweep requested ${sweep.requested}, found the chain unfinished ${sweep.chain_unfinished}; ${chains.length} archive task(s)`);
    // Every chain that was started runs to completion before anything is judged, so the manifests show what they did.
    for (const chain of chains) {
      const archive = await waitForTask(system, chain.task_id, 'succeeded');
      await waitForTask(system, archive.result.log_cleanup_task_id as string, 'succeeded');
    }

    // A later chain, after the first finished, is accepted and archives only what the first did not.
    const second = await seedLogs(system, tenantId, eventsBetween(500, new Date(now - 80 * DAY), new Date(now - 50 * DAY)));
    const again = await requestCleanupOverHttp(system, admin, tenantId, cutoff);
    expect(again.status).to.equal(202);
    const secondArchive = await waitForTask(system, again.body.task_id as string, 'succeeded');
    await waitForTask(system, secondArchive.result.log_cleanup_task_id as string, 'succeeded');
    expect((await logIds(system, tenantId)).size).to.equal(0);

    const manifests = await manifestsInBucket(tenantId);
    const seen = new Map<string, number>();
    for (const ids of manifests.values()) for (const id of ids) seen.set(id, (seen.get(id) ?? 0) + 1);
    const inTwo = [...seen.values()].filter((count) => count > 1).length;
    console.log(`      ${manifests.size} manifests of the tenant in the bucket, ${seen.size} events archived, ${inTwo} in more than one manifest`);
    expect(chains, 'archive tasks of the tenant from the concurrent requests').to.have.length(1);
    const holder = chains[0]?.task_id as string;
    // The sweep walks every tenant of the database (other test files' too), so its own count is not
    // this tenant's: the one archive task above is, and at most one request may have started it.
    expect(accepted.length, 'requests that started a chain').to.be.at.most(1);
    if (accepted.length === 0) expect(sweep.requested, 'the sweep started the chain').to.be.at.least(1);
    expect(accepted.length + refused.length).to.equal(CONCURRENT_REQUESTS);
    for (const response of refused) {
      expect(response.headers.get('content-type')).to.match(/^application\/problem\+json/);
      expect(response.body).to.include({ status: 409, task_id: holder });
    }
    if (accepted.length === 1) expect(accepted[0]?.body.task_id).to.equal(holder);
    expect(inTwo, 'events in two manifests').to.equal(0);
    expect(new Set(seen.keys())).to.deep.equal(new Set([...first, ...second].map((event) => event.id)));
  });

  it('refuses a request while the chain has failed or its cleanup runs, naming the task; PostgreSQL itself refuses a second chain', async () => {
    const tenantId = await createRetentionTenant(system);
    const failedId = randomUUID();
    await system.ownerPool.query(
      `INSERT INTO async_task (task_id, tenant_id, task_type, status, user_id, payload, error_msg) VALUES ($1, $2, 'archive', 'failed', 'ops', '{}', 'S3 was down')`,
      [failedId, tenantId],
    );
    const refused = await requestCleanupOverHttp(system, admin, tenantId, new Date(Date.now() - DAY));
    expect(refused.status).to.equal(409);
    expect(refused.body).to.include({ task_id: failedId });
    expect(refused.body.detail).to.contain(`/tasks/${failedId}/retry`);

    const direct = await system.ownerPool
      .query(`INSERT INTO async_task (task_id, tenant_id, task_type, status, payload) VALUES ($1, $2, 'log_cleanup', 'pending', '{}')`, [randomUUID(), tenantId])
      .catch((error: { code?: string; constraint?: string }) => error);
    expect(direct).to.include({ code: '23505', constraint: 'async_task_one_retention_chain' });
    expect(await chainTasks(tenantId)).to.have.length(1);

    // Between the archive and the end of its cleanup the chain is unfinished too.
    const otherTenant = await createRetentionTenant(system);
    const cleanupId = randomUUID();
    await system.ownerPool.query(
      `INSERT INTO async_task (task_id, tenant_id, task_type, status, user_id, payload, workflow_id) VALUES ($1, $2, 'log_cleanup', 'running', 'ops', '{}', 'fixture')`,
      [cleanupId, otherTenant],
    );
    const whileCleaning = await requestCleanupOverHttp(system, admin, otherTenant, new Date(Date.now() - DAY));
    expect(whileCleaning.status).to.equal(409);
    expect(whileCleaning.body).to.include({ task_id: cleanupId });
    expect(whileCleaning.body.detail).to.contain('wait for it');
  });
});
