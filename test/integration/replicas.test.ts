import { request as httpRequest } from 'node:http';
import { expect } from 'chai';
import { createTenant, tokenFor, validEvent } from '../support/fixtures';
import { spawnApiProcess, type ApiProcess } from '../support/api-process';
import { openStream, type StreamClient } from '../support/stream-client';
import { testSystem, type TestSystem } from '../support/system';
import { waitFor } from '../support/wait-for';
import { OUTBOX_RELAY, spawnServiceProcess, spawnWorkerProcess, TASK_BRIDGE, type WorkerProcess } from '../support/worker-process';

const TENANTS = 3;
const BULK_REQUESTS_PER_TENANT = 8;
const EVENTS_PER_BULK = 25;
const LIMITED_RATE = 5;
const LIMITED_BURST = 10;
const LIMITED_REQUESTS = 40;

/** One request on a connection of its own, so the cluster's primary hands each to the next API process. */
function postOnFreshConnection(url: string, token: string, body: unknown): Promise<number> {
  return new Promise((resolve, reject) => {
    const payload = JSON.stringify(body);
    const req = httpRequest(`${url}/api/v1/logs`, {
      method: 'POST',
      agent: false,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), connection: 'close' },
    });
    req.once('response', (res) => {
      res.resume();
      res.once('end', () => resolve(res.statusCode ?? 0));
    });
    req.once('error', reject);
    req.end(payload);
  });
}

/** Requests to POST /logs counted by the latency histogram of whichever process answers the scrape. */
async function scrapedSinglePosts(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return text
    .split('\n')
    .filter((line) => line.startsWith('audit_http_request_duration_seconds_count{') && /route="(\/api\/v1)?\/logs"/.test(line) && line.includes('method="POST"'))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
}

describe('replicas: two of every process on one stack', function () {
  this.timeout(600_000);
  let system: TestSystem;
  let clustered: ApiProcess;
  let limited: ApiProcess;
  const extra: WorkerProcess[] = [];

  before(async () => {
    system = await testSystem();
    // Beside the test system's in-process API, worker, bridges and relay: a second of each as its
    // own process, the second API itself two node:cluster processes on one port.
    // One at a time: seven processes compiling at once on a 2-core machine take minutes.
    clustered = await spawnApiProcess({ API_PROCESSES: '2' });
    limited = await spawnApiProcess({ API_PROCESSES: '2', RATE_LIMIT_PER_SECOND: String(LIMITED_RATE), RATE_LIMIT_BURST: String(LIMITED_BURST) });
    for (const service of [TASK_BRIDGE, OUTBOX_RELAY]) {
      const spawned = spawnServiceProcess(service);
      extra.push(spawned);
      await spawned.ready();
    }
    const worker = spawnWorkerProcess();
    extra.push(worker);
    await worker.ready();
  });

  after(async () => {
    await Promise.all([clustered?.stop(), limited?.stop(), ...extra.map((process) => process.kill('SIGTERM'))]);
  });

  it('delivers every event once to subscribers on either API, with one run per task and one document per event', async () => {
    const tenants = await Promise.all(Array.from({ length: TENANTS }, () => createTenant(system)));
    const apis = [system.api.http, clustered.http];
    const streamUrls = [system.api.url, clustered.url];
    const subscribers = new Map<string, StreamClient[]>();
    for (const tenantId of tenants) {
      // A user's subscription: an auditor's would itself be recorded as an audit_log.viewed event of the tenant.
      const token = tokenFor(system, 'user', tenantId);
      subscribers.set(tenantId, await Promise.all([...streamUrls, clustered.url].map((url) => openStream(url, { token }))));
    }

    await Promise.all(
      tenants.flatMap((tenantId) =>
        Array.from({ length: BULK_REQUESTS_PER_TENANT }, async (_, round) => {
          const events = Array.from({ length: EVENTS_PER_BULK }, (_, i) => validEvent({ message: `replica load ${round}/${i}` }));
          const answer = await apis[round % apis.length]!.post('/api/v1/logs/bulk', { token: tokenFor(system, 'user', tenantId), body: { logs: events } });
          expect(answer.status, answer.text).to.equal(201);
        }),
      ),
    );

    const expectedPerTenant = BULK_REQUESTS_PER_TENANT * EVENTS_PER_BULK;
    for (const tenantId of tenants) {
      const stored = await system.ownerPool.query<{ id: string }>('SELECT id FROM logs WHERE tenant_id = $1', [tenantId]);
      expect(stored.rowCount).to.equal(expectedPerTenant);
      const storedIds = stored.rows.map((row) => row.id).sort();
      for (const subscriber of subscribers.get(tenantId)!) {
        await waitFor(`every event of ${tenantId} on a subscriber`, () => subscriber.logs().length >= expectedPerTenant, { timeoutMs: 60_000 });
        const seen = subscriber.logs().map((event) => event.id as string);
        expect(seen.slice().sort(), 'each subscriber sees each event of its tenant exactly once').to.deep.equal(storedIds);
        await subscriber.close();
      }
    }

    const tasks = await waitFor(
      'every task of the load to succeed',
      async () => {
        const result = await system.ownerPool.query<{ task_id: string; status: string; attempts: number }>(
          `SELECT task_id, status, attempts FROM async_task WHERE tenant_id = ANY($1::uuid[]) AND task_type = 'reindex'`,
          [tenants],
        );
        return result.rows.length > 0 && result.rows.every((row) => row.status === 'succeeded') ? result.rows : undefined;
      },
      { timeoutMs: 180_000, intervalMs: 500 },
    );
    expect(tasks.filter((task) => task.attempts !== 1), 'a task run twice').to.deep.equal([]);
    const runsOf = async (taskId: string) => {
      const listed: string[] = [];
      for await (const execution of system.temporal.workflow.list({ query: `TaskId = '${taskId}'` })) listed.push(`${execution.workflowId} ${execution.runId} ${execution.status.name}`);
      return listed;
    };
    // Visibility may trail the task's row: a real server with Elasticsearch/OpenSearch visibility (the
    // cluster profile) writes it asynchronously. So every task's run is awaited first, and the runs
    // are counted in a second pass, by when a duplicate started alongside would be listed too.
    for (const task of tasks) await waitFor(`the run of task ${task.task_id} in Temporal's visibility`, async () => (await runsOf(task.task_id)).length > 0, { timeoutMs: 60_000, intervalMs: 500 });
    let runs = 0;
    for (const task of tasks) {
      const listed = await runsOf(task.task_id);
      expect(listed, `runs of task ${task.task_id}`).to.have.length(1);
      runs += listed.length;
    }

    await system.opensearch.indices.refresh({ index: system.config.opensearch.index });
    for (const tenantId of tenants) {
      const counted = await system.opensearch.count({ index: system.config.opensearch.index, routing: tenantId, body: { query: { term: { tenant_id: tenantId } } } });
      expect(counted.body.count, `documents of ${tenantId}`).to.equal(expectedPerTenant);
    }
    console.log(`      ${TENANTS * expectedPerTenant} events through 2 APIs (3 API processes), ${tasks.length} tasks with ${runs} runs, ${TENANTS * 3} subscribers each saw its tenant's events once`);
  });

  it('shares one rate limit across the API processes of a port, and sums their metrics', async () => {
    const tenantId = await createTenant(system);
    const token = tokenFor(system, 'user', tenantId);
    const before = await scrapedSinglePosts(limited.url);
    const started = Date.now();
    const statuses = await Promise.all(Array.from({ length: LIMITED_REQUESTS }, () => postOnFreshConnection(limited.url, token, validEvent())));
    const elapsedSeconds = (Date.now() - started) / 1000;
    const admitted = statuses.filter((status) => status === 201).length;
    const limitedCount = statuses.filter((status) => status === 429).length;
    console.log(`      ${LIMITED_REQUESTS} requests over ${elapsedSeconds.toFixed(2)} s on fresh connections: ${admitted} admitted, ${limitedCount} answered 429`);
    expect(admitted + limitedCount).to.equal(LIMITED_REQUESTS);
    // One limit for the tenant: the burst plus the rate over the elapsed time. Two separate limits
    // (one per process) would admit about twice that.
    expect(admitted).to.be.at.most(LIMITED_BURST + Math.ceil(LIMITED_RATE * elapsedSeconds) + 1);
    const stored = await system.ownerPool.query('SELECT 1 FROM logs WHERE tenant_id = $1', [tenantId]);
    expect(stored.rowCount).to.equal(admitted);

    // Any process answering /metrics reports the sum over both: several scrapes all count every request.
    for (let scrape = 0; scrape < 4; scrape += 1) {
      expect(await scrapedSinglePosts(limited.url)).to.equal(before + LIMITED_REQUESTS);
    }
  });
});
