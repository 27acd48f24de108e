import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { createTenant, tokenFor, validEvent } from '../support/fixtures';
import { testSystem, type TestSystem } from '../support/system';
import { waitFor } from '../support/wait-for';

async function searchById(system: TestSystem, tenantId: string, id: string) {
  const response = await system.opensearch.search({
    index: system.config.opensearch.index,
    routing: tenantId,
    body: { query: { bool: { filter: [{ term: { tenant_id: tenantId } }, { term: { id } }] } } },
  });
  return response.body.hits.hits as { _id: string; _source: Record<string, unknown> }[];
}

async function taskRow(system: TestSystem, taskId: string) {
  const result = await system.ownerPool.query('SELECT * FROM async_task WHERE task_id = $1', [taskId]);
  return result.rows[0] as Record<string, any> | undefined;
}

async function taskIdOfLog(system: TestSystem, logId: string): Promise<string> {
  const result = await system.ownerPool.query(`SELECT task_id FROM async_task WHERE payload->'log_ids' ? $1`, [logId]);
  return result.rows[0].task_id as string;
}

describe('create-log flow, end to end on the real stack', function () {
  this.timeout(120_000);
  let system: TestSystem;
  let tenantId: string;
  let userToken: string;

  before(async () => {
    system = await testSystem();
    tenantId = await createTenant(system);
    userToken = tokenFor(system, 'user', tenantId, 'svc-billing');
  });

  it('stores a posted event, returns 201 with Location, and serves it back by id', async () => {
    const posted = await system.api.http.post('/api/v1/logs', { token: userToken, body: validEvent({ severity: 'warning' }) });
    expect(posted.status).to.equal(201);
    expect(posted.body).to.have.keys('id', 'event_timestamp', 'received_at');
    expect(posted.headers.get('location')).to.equal(`/api/v1/logs/${posted.body.id}`);

    const fetched = await system.api.http.get(`/api/v1/logs/${posted.body.id}`, { token: userToken });
    expect(fetched.status).to.equal(200);
    expect(fetched.body).to.include({ id: posted.body.id, tenant_id: tenantId, severity: 'WARNING', action: 'user.login', ip_address: '203.0.113.7' });
    expect(fetched.body.metadata).to.deep.equal({ device: 'laptop', mfa: true });
  });

  it('makes the event searchable in OpenSearch and records the run on its task', async () => {
    const posted = await system.api.http.post('/api/v1/logs', { token: userToken, body: validEvent({ message: 'searchable soon' }) });
    const hits = await waitFor('the event in OpenSearch', async () => {
      await system.opensearch.indices.refresh({ index: system.config.opensearch.index });
      const found = await searchById(system, tenantId, posted.body.id);
      return found.length === 1 ? found : undefined;
    });
    expect(hits[0]?._id).to.equal(posted.body.id);
    expect(hits[0]?._source).to.include({ tenant_id: tenantId, message: 'searchable soon', severity: 'INFO' });

    const taskId = await taskIdOfLog(system, posted.body.id);
    const task = await waitFor('the task to succeed', async () => {
      const row = await taskRow(system, taskId);
      return row?.status === 'succeeded' ? row : undefined;
    });
    // A task published alone runs as `reindex-<task>`; one sharing its message with others, in a batch run.
    expect(task.workflow_id).to.match(new RegExp(`^reindex-(${taskId}|batch-[0-9a-f]{32})$`));
    expect(task.run_id).to.be.a('string').and.not.empty;
    expect(task.attempts).to.equal(1);
    expect(task.result).to.deep.equal({ indexed: 1, missing: 0 });

    // The row says succeeded from the last activity; the run itself completes a moment later.
    const handle = system.temporal.workflow.getHandle(task.workflow_id, task.run_id);
    const run = await handle.result();
    expect(run.tasks).to.be.at.least(1);
    expect(run.indexed).to.be.at.least(run.tasks);
    const description = await handle.describe();
    expect(description.status.name).to.equal('COMPLETED');
    expect(description.type).to.equal('indexTaskBatchWorkflow');
    expect(description.taskQueue).to.equal(system.config.temporal.taskQueue);
  });

  it('moves the task pending -> running -> succeeded, visible through GET /tasks/{id}', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    await system.worker?.stop();
    system.worker = undefined;
    try {
      const posted = await system.api.http.post('/api/v1/logs', { token: userToken, body: validEvent() });
      const taskId = await taskIdOfLog(system, posted.body.id);
      const auditor = tokenFor(system, 'auditor', tenantId);
      const readTask = async () => (await system.api.http.get(`/api/v1/tasks/${taskId}`, { token: auditor })).body;

      const pending = await waitFor('the bridge to record the started run', async () => {
        const task = await readTask();
        return task.workflow_id ? task : undefined;
      });
      expect(pending.status).to.equal('pending');
      expect(pending.workflow_id).to.equal(`reindex-${taskId}`);
      expect(pending.temporal_ui_url).to.equal(
        `${system.config.temporal.uiUrl}/namespaces/default/workflows/reindex-${taskId}/${pending.run_id}/history`,
      );

      system.worker = await system.startWorker({
        wrapActivities: (activities) => ({
          ...activities,
          indexClaimedTasks: async (input) => {
            await gate;
            return activities.indexClaimedTasks(input);
          },
        }),
      });
      const running = await waitFor('the task to run', async () => {
        const task = await readTask();
        return task.status === 'running' ? task : undefined;
      });
      expect(running.run_id).to.equal(pending.run_id);

      release();
      const succeeded = await waitFor('the task to succeed', async () => {
        const task = await readTask();
        return task.status === 'succeeded' ? task : undefined;
      });
      expect(succeeded).to.include({ task_id: taskId, task_type: 'reindex', tenant_id: tenantId, user_id: 'svc-billing', attempts: 1, error_msg: null });
      expect(succeeded.progress).to.deep.equal({ done: 1, total: 1 });
      const at = posted.body.event_timestamp as string;
      const { bytes, ...ids } = succeeded.payload as { bytes: unknown };
      expect(ids).to.deep.equal({ log_ids: [posted.body.id], event_time_range: { from: at, to: at } });
      // The characters of the event's JSON as ingested, which index and seal runs size their reads by.
      expect(bytes).to.be.a('number').within(100, 64 * 1024);
    } finally {
      release();
      await system.replaceWorker();
    }
  });

  it('answers a repeated event_id with the original event and writes nothing; different content is a 409', async () => {
    const eventId = `evt-${randomUUID()}`;
    const first = await system.api.http.post('/api/v1/logs', { token: userToken, body: validEvent({ event_id: eventId, resource_id: 'r-1' }) });
    const again = await system.api.http.post('/api/v1/logs', { token: userToken, body: validEvent({ event_id: eventId, resource_id: 'r-1' }) });
    const changed = await system.api.http.post('/api/v1/logs', { token: userToken, body: validEvent({ event_id: eventId, resource_id: 'r-2' }) });
    expect(first.status).to.equal(201);
    expect(again.status).to.equal(200);
    expect(again.body).to.deep.equal(first.body);
    expect(changed.status).to.equal(409);
    expect(changed.headers.get('content-type')).to.match(/^application\/problem\+json/);
    const stored = await system.ownerPool.query('SELECT count(*)::int AS n FROM logs WHERE tenant_id = $1 AND event_id = $2', [tenantId, eventId]);
    expect(stored.rows[0].n).to.equal(1);
  });
});
