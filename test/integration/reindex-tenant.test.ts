import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { Context } from '@temporalio/activity';
import type { ReindexPosition } from '../../activities/reindex-tenant-activities';
import { createTenant, tokenFor } from '../support/fixtures';
import { expectFirstAttempt } from '../support/activity-attempts';
import { holdingTableLock } from '../support/held-lock';
import { eventsBetween, logIds, waitForTask } from '../support/retention';
import { seedLogs } from '../support/seed-logs';
import { testSystem, type TestSystem } from '../support/system';

const DAY = 24 * 3600_000;
/** The reindex activity's heartbeat timeout (workflows/activity-presets.ts, `reindexing`). */
const HEARTBEAT_TIMEOUT_MS = 30_000;

describe('reindex: rebuilding a tenant from PostgreSQL', function () {
  this.timeout(180_000);
  let system: TestSystem;
  let tenantA: string;
  let tenantB: string;
  let admin: string;
  const index = () => system.config.opensearch.index;

  async function documentIds(tenantId: string): Promise<Set<string>> {
    await system.opensearch.indices.refresh({ index: index() });
    const ids = new Set<string>();
    let response = await system.opensearch.search({
      index: index(),
      routing: tenantId,
      scroll: '1m',
      size: 1000,
      body: { query: { term: { tenant_id: tenantId } }, _source: false },
    });
    while (response.body.hits.hits.length > 0) {
      for (const hit of response.body.hits.hits) ids.add(hit._id as string);
      response = await system.opensearch.scroll({ scroll_id: response.body._scroll_id as string, scroll: '1m' });
    }
    await system.opensearch.clearScroll({ scroll_id: response.body._scroll_id as string });
    return ids;
  }

  /** Each document's sequence number: any write to a document (even an identical re-index) changes it. */
  async function sequenceNumbers(tenantId: string): Promise<Map<string, number>> {
    await system.opensearch.indices.refresh({ index: index() });
    const response = await system.opensearch.search({
      index: index(),
      routing: tenantId,
      size: 1000,
      body: { query: { term: { tenant_id: tenantId } }, seq_no_primary_term: true, _source: false },
    });
    return new Map(response.body.hits.hits.map((hit: any) => [hit._id as string, hit._seq_no as number]));
  }

  async function dropDocuments(tenantId: string): Promise<void> {
    await system.opensearch.deleteByQuery({ index: index(), routing: tenantId, refresh: true, body: { query: { term: { tenant_id: tenantId } } } });
    expect((await documentIds(tenantId)).size).to.equal(0);
  }

  async function reindex(tenantId: string, range = ''): Promise<string> {
    const response = await system.api.http.post(`/api/v1/reindex?tenant_id=${tenantId}${range}`, { token: admin });
    expect(response.status).to.equal(202);
    expect(response.headers.get('location')).to.equal(`/api/v1/tasks/${response.body.task_id}`);
    return response.body.task_id as string;
  }

  before(async () => {
    system = await testSystem();
    admin = tokenFor(system, 'admin', undefined, 'ops-bob');
    tenantA = await createTenant(system);
    tenantB = await createTenant(system);
    const now = Date.now();
    await seedLogs(system, tenantA, eventsBetween(2_500, new Date(now - 10 * DAY), new Date(now - DAY)));
    await seedLogs(system, tenantB, eventsBetween(300, new Date(now - 10 * DAY), new Date(now - DAY)));
  });

  it("brings back every document of a tenant whose documents were lost, touching no other tenant's", async () => {
    const stored = await logIds(system, tenantA);
    expect(await documentIds(tenantA)).to.deep.equal(stored);
    const otherBefore = await sequenceNumbers(tenantB);
    expect(otherBefore.size).to.equal(300);

    await dropDocuments(tenantA);
    const taskId = await reindex(tenantA);
    const task = await waitForTask(system, taskId, 'succeeded');

    expect(await documentIds(tenantA)).to.deep.equal(stored);
    expect(task).to.include({ task_type: 'reindex_tenant', user_id: 'ops-bob', workflow_id: `reindex_tenant-${taskId}`, progress_done: 2_500, progress_total: 2_500 });
    expect(task.payload).to.deep.equal({ start_time: null, end_time: null });
    expect(task.result).to.deep.equal({ indexed: 2_500, start_time: null, end_time: null, resumed_after: 0 });
    expect(await sequenceNumbers(tenantB)).to.deep.equal(otherBefore);
  });

  it('rebuilds only the requested time range', async () => {
    const from = new Date(Date.now() - 6 * DAY).toISOString();
    const to = new Date(Date.now() - 3 * DAY).toISOString();
    const inRange = await system.ownerPool.query(
      'SELECT id::text FROM logs WHERE tenant_id = $1 AND event_timestamp >= $2 AND event_timestamp < $3',
      [tenantA, from, to],
    );
    await dropDocuments(tenantA);

    const taskId = await reindex(tenantA, `&start_time=${encodeURIComponent(from)}&end_time=${encodeURIComponent(to)}`);
    const task = await waitForTask(system, taskId, 'succeeded');

    const expected = new Set(inRange.rows.map((row: { id: string }) => row.id));
    expect(expected.size).to.be.within(700, 900);
    expect(await documentIds(tenantA)).to.deep.equal(expected);
    expect(task.payload).to.deep.equal({ start_time: from, end_time: to });
    expect(task.result.indexed).to.equal(expected.size);
  });

  it('resumes a failed attempt from its heartbeated position instead of starting over', async () => {
    const skipped = 1_200;
    const position = await system.ownerPool.query(
      `SELECT to_json(event_timestamp) #>> '{}' AS ts, id::text FROM logs WHERE tenant_id = $1 ORDER BY event_timestamp, id OFFSET $2 LIMIT 1`,
      [tenantA, skipped - 1],
    );
    const ordered = await system.ownerPool.query('SELECT id::text FROM logs WHERE tenant_id = $1 ORDER BY event_timestamp, id', [tenantA]);
    const allIds = ordered.rows.map((row: { id: string }) => row.id);
    // The first attempt dies after heartbeating the position of row `skipped`, as a worker that lost
    // its connection mid-run would; the retry must continue after that row.
    await system.replaceWorker({
      wrapActivities: (activities) => ({
        ...activities,
        reindexTenantRange: async (input) => {
          if (Context.current().info.attempt === 1) {
            const heartbeat: ReindexPosition = { after: { eventTimestamp: position.rows[0].ts, id: position.rows[0].id }, done: skipped };
            Context.current().heartbeat(heartbeat);
            throw new Error('worker lost its connection');
          }
          return activities.reindexTenantRange(input);
        },
      }),
    });
    try {
      await dropDocuments(tenantA);
      const taskId = await reindex(tenantA);
      const task = await waitForTask(system, taskId, 'succeeded');

      expect(task.result).to.include({ indexed: 2_500, resumed_after: skipped });
      expect(task).to.include({ progress_done: 2_500, progress_total: 2_500 });
      expect(await documentIds(tenantA)).to.deep.equal(new Set(allIds.slice(skipped)));
    } finally {
      await system.replaceWorker();
    }
  });

  it('answers bad requests with problem+json and refuses non-admins', async () => {
    const post = (query: string, token = admin) => system.api.http.post(`/api/v1/reindex${query}`, { token });
    const reversed = await post(`?tenant_id=${tenantA}&start_time=2025-02-01T00:00:00Z&end_time=2025-01-01T00:00:00Z`);
    expect(reversed.status).to.equal(422);
    expect(reversed.body.errors.map((e: any) => e.path)).to.deep.equal(['/start_time', '/end_time']);
    const malformed = await post(`?tenant_id=${tenantA}&start_time=yesterday`);
    expect(malformed.status).to.equal(422);
    expect(malformed.body.errors.map((e: any) => e.path)).to.deep.equal(['/start_time']);
    const unknown = await post(`?tenant_id=${tenantA}&log_ids=x`);
    expect(unknown.status).to.equal(400);
    expect(unknown.headers.get('content-type')).to.match(/^application\/problem\+json/);
    expect((await post('')).status).to.equal(400);
    expect((await post(`?tenant_id=${randomUUID()}`)).status).to.equal(404);
    expect((await post(`?tenant_id=${tenantA}`, tokenFor(system, 'auditor', tenantA))).status).to.equal(403);
    expect((await post(`?tenant_id=${tenantA}`, tokenFor(system, 'user', tenantA))).status).to.equal(403);
  });

  it("keeps its one attempt while counting the tenant's rows waits past the heartbeat timeout", async () => {
    // Counting a large tenant's rows takes as long as PostgreSQL needs; here `logs` is locked meanwhile.
    const taskId = await holdingTableLock(
      system,
      'logs',
      () => reindex(tenantB),
      HEARTBEAT_TIMEOUT_MS + 6_000,
    );
    const task = await waitForTask(system, taskId, 'succeeded');
    await expectFirstAttempt(system, task, 'reindexTenantRange');
    expect(task.result).to.include({ indexed: 300, resumed_after: 0 });
  });
});
