import { expect } from 'chai';
import { createTenant, tokenFor, validEvent } from '../support/fixtures';
import { testSystem, type TestSystem } from '../support/system';
import { createTaskOutbox } from '../../features/delivery/task-outbox';
import { createCleanupRequester } from '../../features/retention/request-cleanup';
import { createSqsTaskPublisher } from '../../adapters/sqs/task-publisher';
import { countCopies } from '../support/restores';
import { createRetentionTenant, CUTOFF, eventsBetween, LONG_AGO, taskRow } from '../support/retention';
import { seedLogs } from '../support/seed-logs';
import { waitFor } from '../support/wait-for';
import { BACKGROUND, spawnServiceProcess, withWorkerProcesses, type WorkerProcess } from '../support/worker-process';

const TENANTS = 3;
const BULKS_PER_TENANT = 14;
/** As many events at the API's size limits as one 5 MiB bulk body carries. */
const EVENTS_PER_BULK = 85;

/** An event at the limits api.md gives: an 8 KiB message and three JSON objects of ~16 KiB each. */
const largestEvent = (tenantLabel: string, n: number) =>
  validEvent({
    message: `${tenantLabel} ${n} `.padEnd(8000, 'm'),
    metadata: { blob: 'x'.repeat(15_900), n },
    before_state: { blob: 'b'.repeat(15_900) },
    after_state: { blob: 'a'.repeat(15_900) },
  });

/** The task's final row; a dead process ends the wait at once (nothing would finish the task). */
function taskEnd(system: TestSystem, background: WorkerProcess, taskId: string): Promise<{ status: string; result: any; error?: string }> {
  return waitFor(
    `task ${taskId} to end`,
    async (): Promise<{ status: string; result: any; error?: string } | undefined> => {
      if (background.exited()) return { status: 'the background process died', result: null };
      const row = await taskRow(system, taskId);
      return row?.status === 'succeeded' || row?.status === 'failed' ? { status: row.status, result: row.result, error: row.error_msg } : undefined;
    },
    { timeoutMs: 600_000, intervalMs: 500 },
  );
}

/**
 * Input built to hurt the pipeline, not the API: every request is valid, but each event is as
 * large as the API accepts. The background process runs as `npm run up` runs it (its build, its
 * 128 MB heap); before its runs were bounded by bytes, it died of a heap OOM on such a load (index
 * runs of 2,000 events, seal reads of 25,000, and keep-alive sockets holding their first `_bulk`),
 * and the pipeline stopped for every tenant; then the operator's runs over such events killed it.
 * Counted in PostgreSQL and OpenSearch, not from the API.
 */
describe('events at the API size limits: the background process stays up and loses nothing', function () {
  this.timeout(900_000);
  let system: TestSystem;

  before(async () => {
    system = await testSystem();
    await system.pauseDelivery();
  });
  const spawned = withWorkerProcesses(() => system);
  // Each test's process alone: another one polling the same task queue could do the work for it.
  afterEach(async () => {
    for (const background of spawned.splice(0)) await background.kill('SIGKILL');
  });
  after(() => system.resumeDelivery());

  it(`indexes and seals ${TENANTS * BULKS_PER_TENANT * EVENTS_PER_BULK} events of ~56 KiB each in a 128 MB worker`, async () => {
    const background = spawnServiceProcess(BACKGROUND, {}, { built: true, name: 'background' });
    spawned.push(background);
    await background.ready();
    expect(background.args.join(' ')).to.contain('--max-old-space-size=128');

    const tenants = await Promise.all(Array.from({ length: TENANTS }, () => createTenant(system)));
    await Promise.all(
      tenants.map(async (tenantId, t) => {
        const token = tokenFor(system, 'user', tenantId);
        for (let bulk = 0; bulk < BULKS_PER_TENANT; bulk += 1) {
          const logs = Array.from({ length: EVENTS_PER_BULK }, (_, n) => largestEvent(`tenant ${t}`, bulk * EVENTS_PER_BULK + n));
          const answer = await system.api.http.post('/api/v1/logs/bulk', { token, body: { logs } });
          expect(answer.status, answer.text).to.equal(201);
        }
      }),
    );

    const expected = BULKS_PER_TENANT * EVENTS_PER_BULK;
    const countsOf = async (tenantId: string) => {
      await system.opensearch.indices.refresh({ index: system.config.opensearch.index });
      const documents = await system.opensearch.count({ index: system.config.opensearch.index, routing: tenantId, body: { query: { term: { tenant_id: tenantId } } } });
      const leaves = await system.ownerPool.query<{ n: string }>('SELECT count(*) AS n FROM integrity_leaves WHERE tenant_id = $1', [tenantId]);
      return { documents: documents.body.count as number, leaves: Number(leaves.rows[0]?.n) };
    };
    for (const tenantId of tenants) {
      const counts = await waitFor(
        `every event of tenant ${tenantId} searchable and sealed`,
        async () => {
          // A dead process ends the wait at once: nothing would ever index or seal the rest.
          if (background.exited()) return 'the background process died';
          const now = await countsOf(tenantId);
          return now.documents === expected && now.leaves === expected ? now : undefined;
        },
        { timeoutMs: 600_000, intervalMs: 1000 },
      );
      expect(counts, background.output().slice(-1500)).to.deep.equal({ documents: expected, leaves: expected });
    }
    expect(background.exited(), background.output().slice(-1500)).to.equal(false);
    expect(background.output()).to.not.contain('heap out of memory');
  });

  /**
   * The operator's runs read stored events back in pages: a tenant reindex, a reconcile after the
   * index lost documents, a verify, an export job. Pages counted in rows (1,000 or 2,000 events, ~56 MB of column
   * text at these sizes) took the worker past its heap, and Temporal would retry the run on the
   * next worker into the same death.
   */
  it(`reindexes, reconciles, verifies and exports ${BULKS_PER_TENANT * EVENTS_PER_BULK} events of ~56 KiB each in a 128 MB worker`, async () => {
    const background = spawnServiceProcess(BACKGROUND, {}, { built: true, name: 'background' });
    spawned.push(background);
    await background.ready();
    const tenantId = await createTenant(system);
    const user = tokenFor(system, 'user', tenantId);
    const admin = tokenFor(system, 'admin', tenantId);
    for (let bulk = 0; bulk < BULKS_PER_TENANT; bulk += 1) {
      const logs = Array.from({ length: EVENTS_PER_BULK }, (_, n) => largestEvent('operator runs', bulk * EVENTS_PER_BULK + n));
      const answer = await system.api.http.post('/api/v1/logs/bulk', { token: user, body: { logs } });
      expect(answer.status, answer.text).to.equal(201);
    }
    const expected = BULKS_PER_TENANT * EVENTS_PER_BULK;
    const index = system.config.opensearch.index;
    const documents = async () => {
      await system.opensearch.indices.refresh({ index });
      const counted = await system.opensearch.count({ index, routing: tenantId, body: { query: { term: { tenant_id: tenantId } } } });
      return counted.body.count as number;
    };
    const leaves = async () => Number((await system.ownerPool.query<{ n: string }>('SELECT count(*) AS n FROM integrity_leaves WHERE tenant_id = $1', [tenantId])).rows[0]?.n);
    const finished = async (path: string, token: string, body?: Record<string, unknown>) => {
      const started = await system.api.http.post(path, { token, body });
      expect(started.status, started.text).to.equal(202);
      return taskEnd(system, background, started.body.task_id as string);
    };

    await waitFor('every event searchable and sealed', async () => (background.exited() || ((await documents()) === expected && (await leaves()) === expected) ? true : undefined), {
      timeoutMs: 600_000,
      intervalMs: 1000,
    });
    expect(background.exited(), background.output().slice(-1500)).to.equal(false);

    const reindexed = await finished('/api/v1/reindex', admin);
    expect(reindexed.status, background.output().slice(-1500)).to.equal('succeeded');
    expect(reindexed.result.indexed).to.equal(expected);

    // Documents lost behind the service's back: the reconcile finds every row without one.
    await waitFor('every document of the tenant deleted', async () => {
      await system.opensearch.deleteByQuery({ index, routing: tenantId, refresh: true, conflicts: 'proceed', body: { query: { term: { tenant_id: tenantId } } } });
      return (await documents()) === 0 ? true : undefined;
    });
    const reconciled = await finished('/api/v1/reconcile', admin);
    expect(reconciled.status, background.output().slice(-1500)).to.equal('succeeded');
    expect(reconciled.result.missing_indexed).to.equal(expected);
    expect(await documents()).to.equal(expected);

    const verified = await finished('/api/v1/integrity/verify', tokenFor(system, 'auditor', tenantId), {});
    expect(verified.status, background.output().slice(-1500)).to.equal('succeeded');
    expect(verified.result).to.include({ ok: true, events_checked: expected });

    const exported = await finished('/api/v1/exports', tokenFor(system, 'auditor', tenantId), { format: 'ndjson' });
    expect(exported.status, background.output().slice(-1500)).to.equal('succeeded');
    expect(exported.result.rows).to.equal(expected);

    expect(background.exited(), background.output().slice(-1500)).to.equal(false);
    expect(background.output()).to.not.contain('heap out of memory');
  });
  /**
   * Retention archives events to gzip NDJSON parts, deletes them, and a restore loads them back into
   * search: each step reads or writes events in batches, of rows and of size.
   */
  it(`archives, cleans up and restores ${BULKS_PER_TENANT * EVENTS_PER_BULK} events of ~56 KiB each in a 128 MB worker`, async () => {
    const background = spawnServiceProcess(BACKGROUND, {}, { built: true, name: 'background' });
    spawned.push(background);
    await background.ready();
    const expected = BULKS_PER_TENANT * EVENTS_PER_BULK;
    const tenantId = await createRetentionTenant(system);
    const old = eventsBetween(expected, LONG_AGO, CUTOFF).map((event, n) => ({ ...largestEvent('retention', n), event_timestamp: event.event_timestamp }));
    await seedLogs(system, tenantId, old);

    const requester = createCleanupRequester({
      outbox: createTaskOutbox({ pool: system.appPool, publisher: createSqsTaskPublisher(system.sqs, system.config.sqs.queueUrls), logger: system.logger }),
      partMaxRows: 600,
    });
    const { taskId } = await requester.requestCleanup(tenantId, 'large-events', CUTOFF);
    const archived = await taskEnd(system, background, taskId);
    expect(archived.status, archived.error ?? background.output().slice(-1500)).to.equal('succeeded');
    const cleaned = await taskEnd(system, background, archived.result.log_cleanup_task_id as string);
    expect(cleaned.status, cleaned.error ?? background.output().slice(-1500)).to.equal('succeeded');
    const left = await system.ownerPool.query<{ n: number }>('SELECT count(*)::int AS n FROM logs WHERE tenant_id = $1', [tenantId]);
    expect(left.rows[0]?.n, 'rows left after the cleanup').to.equal(0);

    const restore = await system.api.http.request('POST', `/api/v1/restores?tenant_id=${tenantId}`, {
      token: tokenFor(system, 'admin'),
      body: { start_time: LONG_AGO.toISOString(), end_time: CUTOFF.toISOString(), expires_in_days: 1 },
    });
    expect(restore.status, restore.text).to.equal(202);
    const restored = await taskEnd(system, background, restore.body.task_id as string);
    expect(restored.status, restored.error ?? background.output().slice(-1500)).to.equal('succeeded');
    expect(await countCopies(system, tenantId)).to.equal(expected);

    expect(background.exited(), background.output().slice(-1500)).to.equal(false);
    expect(background.output()).to.not.contain('heap out of memory');
  });
});
