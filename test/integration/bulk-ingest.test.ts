import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { createTenant, tokenFor, validEvent } from '../support/fixtures';
import { testSystem, type TestSystem } from '../support/system';
import { waitFor } from '../support/wait-for';

describe('POST /logs/bulk', function () {
  this.timeout(120_000);
  let system: TestSystem;
  let tenantId: string;
  let token: string;
  const countLogs = async (tenant = tenantId) => (await system.ownerPool.query('SELECT count(*)::int AS n FROM logs WHERE tenant_id = $1', [tenant])).rows[0].n as number;

  before(async () => {
    system = await testSystem();
    tenantId = await createTenant(system);
    token = tokenFor(system, 'user', tenantId, 'svc-import');
  });

  it('writes 1,000 events and one reindex task, and all of them reach search', async () => {
    const logs = Array.from({ length: 1000 }, (_, i) => validEvent({ action: `item.${i % 7}`, message: `bulk event ${i}` }));
    const response = await system.api.http.post('/api/v1/logs/bulk', { token, body: { logs } });
    expect(response.status, response.text).to.equal(201);
    expect(response.body.count).to.equal(1000);
    expect(new Set(response.body.ids).size).to.equal(1000);
    expect(await countLogs()).to.equal(1000);

    const task = await waitFor('the bulk task to succeed', async () => {
      const row = (await system.ownerPool.query('SELECT * FROM async_task WHERE task_id = $1', [response.body.task_id])).rows[0];
      return row?.status === 'succeeded' ? row : undefined;
    });
    expect(task.result).to.deep.equal({ indexed: 1000, missing: 0 });
    expect((await system.ownerPool.query(`SELECT count(*)::int AS n FROM async_task WHERE tenant_id = $1 AND task_type <> 'integrity_seal'`, [tenantId])).rows[0].n).to.equal(1);
    await system.opensearch.indices.refresh({ index: system.config.opensearch.index });
    const counted = await system.opensearch.count({ index: system.config.opensearch.index, routing: tenantId, body: { query: { term: { tenant_id: tenantId } } } });
    expect(counted.body.count).to.equal(1000);
  });

  it('stores every field as sent, in request order at consecutive positions, and a lone surrogate as U+FFFD', async () => {
    const other = await createTenant(system);
    const otherToken = tokenFor(system, 'user', other, 'svc-fields');
    const at = new Date(Date.now() - 86_400_000).toISOString();
    const full = {
      action: 'doc.update', severity: 'warning', user_id: 'u-1', session_id: 's-1', resource: 'doc', resource_id: 'd-1',
      message: 'quote " backslash \\ newline \n tab \t é 😀', ip_address: '2001:db8::1', user_agent: 'ua/1',
      before_state: { a: [1, 'x', null, { b: true }] }, after_state: { a: 2.5 },
      // A backslash before "ud800" is text, not an escape: it must arrive as sent.
      metadata: { 'key "q"': 'v', nested: { deep: ['\\ud800 text'] } },
      event_timestamp: at, event_id: `e-${randomUUID()}`,
    };
    const bare = { action: 'bare', severity: 'INFO' };
    const lone = { action: 'lone', severity: 'INFO', message: 'a\ud800b', metadata: { k: 'c\udc00d' } };
    const response = await system.api.http.post('/api/v1/logs/bulk', { token: otherToken, body: { logs: [full, bare, lone] } });
    expect(response.status, response.text).to.equal(201);
    const stored = await system.ownerPool.query(
      `SELECT id::text, action, severity, user_id, session_id, resource, resource_id, message, host(ip_address) AS ip_address, user_agent,
              before_state, after_state, metadata, event_timestamp, received_at, event_id, position::int
         FROM logs WHERE tenant_id = $1 AND id = ANY($2::uuid[]) ORDER BY position`,
      [other, response.body.ids],
    );
    const [first, second, third] = stored.rows;
    expect(stored.rows.map((row) => row.id)).to.deep.equal(response.body.ids);
    expect(stored.rows.map((row) => row.position - first.position)).to.deep.equal([0, 1, 2]);
    expect(first).to.deep.include({ ...full, severity: 'WARNING', event_timestamp: new Date(at) });
    expect(second).to.deep.include({ action: 'bare', user_id: 'svc-fields', session_id: null, message: null, ip_address: null, metadata: null, event_id: null });
    expect(second.event_timestamp).to.deep.equal(second.received_at);
    expect(second.received_at).to.deep.equal(first.received_at);
    expect(third).to.deep.include({ message: 'a\ufffdb', metadata: { k: 'c\ufffdd' } });
  });

  it('rejects the whole batch when one event is invalid, naming every invalid event by index', async () => {
    const other = await createTenant(system);
    const otherToken = tokenFor(system, 'user', other);
    const logs = Array.from({ length: 20 }, () => validEvent());
    logs[3] = validEvent({ severity: 'LOUD' });
    logs[17] = validEvent({ ip_address: 'not-an-ip', colour: 'red' });
    logs[19] = validEvent({ event_timestamp: new Date(Date.now() + 3_600_000).toISOString() });
    const response = await system.api.http.post('/api/v1/logs/bulk', { token: otherToken, body: { logs } });
    expect(response.status).to.equal(422);
    const schemaPaths = (response.body.errors as { path: string }[]).map((e) => e.path).sort();
    expect(schemaPaths).to.deep.equal(['/logs/17/colour', '/logs/17/ip_address', '/logs/3/severity']);
    logs[3] = validEvent();
    logs[17] = validEvent();
    const semantic = await system.api.http.post('/api/v1/logs/bulk', { token: otherToken, body: { logs } });
    expect(semantic.status).to.equal(422);
    expect((semantic.body.errors as { path: string }[]).map((e) => e.path)).to.deep.equal(['/logs/19/event_timestamp']);
    expect(await countLogs(other)).to.equal(0);
  });

  it('answers 422 for zero or more than 1,000 events and 413 past 5 MiB', async () => {
    const empty = await system.api.http.post('/api/v1/logs/bulk', { token, body: { logs: [] } });
    expect(empty.status).to.equal(422);
    expect(empty.body.errors[0].path).to.equal('/logs');
    const tooMany = await system.api.http.post('/api/v1/logs/bulk', { token, body: { logs: Array.from({ length: 1001 }, () => ({ action: 'a', severity: 'INFO' })) } });
    expect(tooMany.status).to.equal(422);
    expect(tooMany.body.errors[0].path).to.equal('/logs');
    const huge = Array.from({ length: 700 }, () => validEvent({ message: 'm'.repeat(8000) }));
    const tooBig = await system.api.http.post('/api/v1/logs/bulk', { token, body: { logs: huge } });
    expect(tooBig.status).to.equal(413);
    expect(await countLogs()).to.equal(1000);
  });

  it('returns original ids for repeated event_ids, and refuses a batch that reuses one for other content', async () => {
    const tenant = await createTenant(system);
    const own = tokenFor(system, 'user', tenant);
    const key = `order-${randomUUID()}`;
    const first = await system.api.http.post('/api/v1/logs/bulk', { token: own, body: { logs: [validEvent({ event_id: key, resource_id: 'x' }), validEvent()] } });
    expect(first.status).to.equal(201);
    const repeat = await system.api.http.post('/api/v1/logs/bulk', { token: own, body: { logs: [validEvent({ event_id: key, resource_id: 'x' })] } });
    expect(repeat.status).to.equal(200);
    expect(repeat.body).to.deep.equal({ count: 1, ids: [first.body.ids[0]], task_id: null });
    const twice = validEvent({ event_id: `${key}-b` });
    const inBatch = await system.api.http.post('/api/v1/logs/bulk', { token: own, body: { logs: [twice, twice] } });
    expect(inBatch.status).to.equal(201);
    expect(inBatch.body.ids[0]).to.equal(inBatch.body.ids[1]);
    const conflicting = await system.api.http.post('/api/v1/logs/bulk', { token: own, body: { logs: [validEvent(), validEvent({ event_id: key, resource_id: 'y' })] } });
    expect(conflicting.status).to.equal(409);
    expect(await countLogs(tenant)).to.equal(3);
  });
});
