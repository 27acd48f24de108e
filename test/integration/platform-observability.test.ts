import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import { capturedLogger } from '../support/captured-logger';
import { createTenant, tokenFor, validEvent } from '../support/fixtures';
import { metricValue } from '../support/metrics-text';
import { startApi, testSystem, type RunningApi, type TestSystem } from '../support/system';
import { waitFor } from '../support/wait-for';

describe('platform: metrics and request logs', function () {
  this.timeout(60_000);
  let system: TestSystem;
  let tenantId: string;
  let user: string;
  const scrape = async (api: RunningApi) => {
    const response = await api.http.get('/metrics');
    expect(response.status).to.equal(200);
    expect(response.headers.get('content-type')).to.match(/^text\/plain/);
    return response.text;
  };

  before(async () => {
    system = await testSystem();
    tenantId = await createTenant(system);
    user = tokenFor(system, 'user', tenantId);
  });

  it('observes request latency by route template and status, never by raw path', async () => {
    const id = randomUUID();
    await system.api.http.get(`/api/v1/logs/${id}`, { token: user });
    await system.api.http.get('/no/such/route');
    await system.api.http.get('/api/v1/logs/stats', { token: 'not-a-token' });
    const text = await scrape(system.api);
    const count = (labels: Record<string, string>) => metricValue(text, 'audit_http_request_duration_seconds_count', labels) ?? 0;
    expect(count({ method: 'GET', route: '/api/v1/logs/:id', status: '404' })).to.be.at.least(1);
    expect(count({ method: 'GET', route: '/api/v1/logs/stats', status: '401' }), 'a refused request is labelled with the route that would have served it').to.be.at.least(1);
    expect(count({ route: 'unmatched', status: '404' })).to.be.at.least(1);
    expect(text).not.to.contain(id);
    expect(text).not.to.contain('/no/such/route');
    expect(metricValue(text, 'audit_http_request_duration_seconds_bucket', { route: '/api/v1/logs/:id', le: '+Inf' })).to.be.at.least(1);
  });

  it('counts accepted, duplicate and rejected ingests', async () => {
    const before = await scrape(system.api);
    const event = validEvent({ event_id: `evt-${randomUUID()}` });
    expect((await system.api.http.post('/api/v1/logs', { token: user, body: event })).status).to.equal(201);
    expect((await system.api.http.post('/api/v1/logs', { token: user, body: event })).status).to.equal(200);
    expect((await system.api.http.post('/api/v1/logs', { token: user, body: validEvent({ severity: 'LOUD' }) })).status).to.equal(422);
    expect((await system.api.http.post('/api/v1/logs', { token: user, body: { ...event, message: 'changed' } })).status).to.equal(409);
    const after = await scrape(system.api);
    const delta = (name: string, labels: Record<string, string>) => (metricValue(after, name, labels) ?? 0) - (metricValue(before, name, labels) ?? 0);
    expect(delta('audit_ingest_events_total', { outcome: 'accepted' })).to.equal(1);
    expect(delta('audit_ingest_events_total', { outcome: 'duplicate' })).to.equal(1);
    expect(delta('audit_ingest_rejected_requests_total', { route: '/api/v1/logs', status: '422' })).to.equal(1);
    expect(delta('audit_ingest_rejected_requests_total', { route: '/api/v1/logs', status: '409' })).to.equal(1);
  });

  it('reports the depth of every task queue and dead-letter queue, and unfinished tasks by type and status', async () => {
    const text = await scrape(system.api);
    for (const queue of ['index', 'archive', 'cleanup', 'index-dlq', 'archive-dlq', 'cleanup-dlq']) {
      expect(metricValue(text, 'audit_queue_messages', { queue, state: 'visible' }), queue).to.be.a('number');
    }
    expect(metricValue(text, 'audit_metrics_source_up', { source: 'sqs' })).to.equal(1);
    expect(metricValue(text, 'audit_metrics_source_up', { source: 'postgres' })).to.equal(1);

    const failedBefore = metricValue(text, 'audit_tasks', { task_type: 'archive', status: 'failed' });
    expect(failedBefore).to.be.a('number');
    // Another tenant's failed task: the gauge counts across tenants although the API role cannot see the row.
    const otherTenant = await createTenant(system);
    await system.ownerPool.query(
      "INSERT INTO async_task (task_id, tenant_id, task_type, status, error_msg) VALUES ($1, $2, 'archive', 'failed', 'for the metrics test')",
      [uuidv7(), otherTenant],
    );
    const failedAfter = metricValue(await scrape(system.api), 'audit_tasks', { task_type: 'archive', status: 'failed' });
    expect(failedAfter).to.equal((failedBefore as number) + 1);
  });

  it('reports a source that does not answer as down, with no stale values, and still answers the scrape', async () => {
    const api = await startApi(
      { ...system.config, sqs: { ...system.config.sqs, queueUrls: { index: 'http://127.0.0.1:1/000000000000/gone', archive: 'http://127.0.0.1:1/000000000000/gone', cleanup: 'http://127.0.0.1:1/000000000000/gone' } } },
      system.logger,
    );
    try {
      const text = await scrape(api);
      expect(metricValue(text, 'audit_metrics_source_up', { source: 'sqs' })).to.equal(0);
      expect(metricValue(text, 'audit_queue_messages')).to.equal(undefined);
      expect(metricValue(text, 'audit_metrics_source_up', { source: 'postgres' })).to.equal(1);
    } finally {
      await api.close();
    }
  });

  it('logs one JSON line per request with request id, method, route, status, duration and tenant, and never a token', async () => {
    const captured = capturedLogger('info');
    const api = await startApi(system.config, captured.logger);
    try {
      const requestId = `req-${randomUUID()}`;
      await api.http.get(`/api/v1/logs/${randomUUID()}?access_token=${user}`, { token: user, headers: { 'x-request-id': requestId } });
      await api.http.get(`/api/v1/logs/${randomUUID()}`, { token: `${user}x` });
      const line = await waitFor('the request log line', () => captured.lines().find((entry) => entry.request_id === requestId));
      expect(line).to.include({ msg: 'request', method: 'GET', route: '/api/v1/logs/:id', status: 404, tenant_id: tenantId, sub: 'test-user', level: 30 });
      expect(line.duration_ms).to.be.a('number').and.at.least(0);
      expect(line.path).to.match(/^\/api\/v1\/logs\/[0-9a-f-]{36}$/);
      const refused = await waitFor('the 401 log line', () => captured.lines().find((entry) => entry.msg === 'request' && entry.status === 401));
      expect(refused).to.include({ route: '/api/v1/logs/:id' });
      expect(captured.text()).not.to.contain(user.split('.')[2]);
    } finally {
      await api.close();
    }
  });
});
