import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { createTenant, tokenFor, validEvent } from '../support/fixtures';
import type { HttpResponse } from '../support/http-client';
import { testSystem, type TestSystem } from '../support/system';

function expectProblem(response: HttpResponse, status: number) {
  expect(response.status, response.text).to.equal(status);
  expect(response.headers.get('content-type')).to.match(/^application\/problem\+json/);
  expect(response.body).to.include({ status });
}

async function eventsOf(system: TestSystem, tenantId: string, action: string) {
  const result = await system.ownerPool.query(
    'SELECT user_id, resource, resource_id, message, before_state, after_state, metadata FROM logs WHERE tenant_id = $1 AND action = $2 ORDER BY received_at',
    [tenantId, action],
  );
  return result.rows as Record<string, any>[];
}

describe('platform: tenants and tokens (admin API)', function () {
  this.timeout(60_000);
  let system: TestSystem;
  let admin: string;
  const unique = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;

  before(async () => {
    system = await testSystem();
    admin = tokenFor(system, 'admin', undefined, 'ops-alice');
  });

  it('creates a tenant (201, Location, defaults) and serves it by id and in the list', async () => {
    const name = unique('acme');
    const created = await system.api.http.post('/api/v1/tenants', { token: admin, body: { name } });
    expect(created.status, created.text).to.equal(201);
    expect(created.body).to.include({ name, retention_days: 365 });
    expect(created.body.rate_limit).to.deep.equal({ per_second: 100, burst: 200, is_default: true });
    expect(created.body.id).to.match(/^[0-9a-f-]{36}$/);
    expect(Date.parse(created.body.created_at)).to.be.closeTo(Date.now(), 60_000);
    expect(created.headers.get('location')).to.equal(`/api/v1/tenants/${created.body.id}`);

    const fetched = await system.api.http.get(`/api/v1/tenants/${created.body.id}`, { token: admin });
    expect(fetched.status).to.equal(200);
    expect(fetched.body).to.deep.equal(created.body);

    // Tenants are listed in creation order: the newest is on the last page, however many the run made.
    const total = (await system.api.http.get('/api/v1/tenants?page_size=1', { token: admin })).body.total as number;
    const listed = await system.api.http.get(`/api/v1/tenants?page_size=500&page=${Math.ceil(total / 500)}`, { token: admin });
    expect(listed.status).to.equal(200);
    expect(listed.body).to.include.keys('items', 'page', 'page_size', 'total');
    expect(listed.body.items.map((t: { id: string }) => t.id)).to.include(created.body.id);

    const [event] = await eventsOf(system, created.body.id, 'tenant.created');
    expect(event).to.include({ user_id: 'ops-alice', resource: 'tenant', resource_id: created.body.id });
    expect(event?.after_state).to.deep.equal({ name });
  });

  it('pages the list in creation order', async () => {
    for (let i = 0; i < 3; i += 1) await system.api.http.post('/api/v1/tenants', { token: admin, body: { name: unique('paged') } });
    const first = await system.api.http.get('/api/v1/tenants?page=1&page_size=2', { token: admin });
    const second = await system.api.http.get('/api/v1/tenants?page=2&page_size=2', { token: admin });
    expect(first.body.items).to.have.length(2);
    expect(first.body).to.include({ page: 1, page_size: 2 });
    expect(second.body.total).to.equal(first.body.total);
    const ids = [...first.body.items, ...second.body.items].map((t: { id: string }) => t.id);
    expect(new Set(ids).size).to.equal(ids.length);
    expectProblem(await system.api.http.get('/api/v1/tenants?page_size=501', { token: admin }), 422);
    expectProblem(await system.api.http.get('/api/v1/tenants?page=0', { token: admin }), 422);
  });

  it('answers 409 to a duplicate name, compared without regard to case', async () => {
    const name = unique('Globex');
    expect((await system.api.http.post('/api/v1/tenants', { token: admin, body: { name } })).status).to.equal(201);
    expectProblem(await system.api.http.post('/api/v1/tenants', { token: admin, body: { name: name.toUpperCase() } }), 409);
  });

  it('answers 422 naming each bad field, and 404 for unknown or malformed ids', async () => {
    const bad = await system.api.http.post('/api/v1/tenants', {
      token: admin,
      body: { name: ' padded ', retention_days: 0, rate_limit: { per_second: 10, burst: 'lots' }, owner: 'x' },
    });
    expectProblem(bad, 422);
    const paths = bad.body.errors.map((e: { path: string }) => e.path);
    expect(paths).to.include.members(['/name', '/retention_days', '/rate_limit/burst', '/owner']);

    const lowBurst = await system.api.http.post('/api/v1/tenants', { token: admin, body: { name: unique('x'), rate_limit: { per_second: 10, burst: 5 } } });
    expectProblem(lowBurst, 422);
    expect(lowBurst.body.errors).to.deep.equal([{ path: '/rate_limit/burst', message: 'must be at least per_second' }]);

    expectProblem(await system.api.http.get(`/api/v1/tenants/${randomUUID()}`, { token: admin }), 404);
    expectProblem(await system.api.http.get('/api/v1/tenants/not-a-uuid', { token: admin }), 404);
    expectProblem(await system.api.http.request('PATCH', `/api/v1/tenants/${randomUUID()}`, { token: admin, body: { retention_days: 30 } }), 404);
  });

  it('refuses every caller but a platform admin: 401 without a token, 403 for user, auditor and a tenant-bound admin', async () => {
    const tenantId = await createTenant(system);
    const callers = {
      user: tokenFor(system, 'user', tenantId),
      auditor: tokenFor(system, 'auditor', tenantId),
      'tenant-bound admin': tokenFor(system, 'admin', tenantId),
    };
    const requests = [
      ['GET', '/api/v1/tenants', undefined],
      ['POST', '/api/v1/tenants', { name: unique('nope') }],
      ['GET', `/api/v1/tenants/${tenantId}`, undefined],
      ['PATCH', `/api/v1/tenants/${tenantId}`, { retention_days: 1 }],
      ['POST', `/api/v1/tenants/${tenantId}/tokens`, { sub: 'x', role: 'user' }],
    ] as const;
    for (const [method, path, body] of requests) {
      expectProblem(await system.api.http.request(method, path, { body }), 401);
      for (const [who, token] of Object.entries(callers)) {
        const response = await system.api.http.request(method, path, { token, body });
        expect(response.status, `${who} ${method} ${path}`).to.equal(403);
      }
    }
    const unchanged = await system.ownerPool.query('SELECT retention_days FROM tenants WHERE id = $1', [tenantId]);
    expect(unchanged.rows[0].retention_days).to.equal(365);
  });

  it('changes retention and limits, recording the change with before and after in the tenant log, in one transaction', async () => {
    const created = (await system.api.http.post('/api/v1/tenants', { token: admin, body: { name: unique('initech') } })).body;
    const patched = await system.api.http.request('PATCH', `/api/v1/tenants/${created.id}`, {
      token: admin,
      body: { retention_days: 30, rate_limit: { per_second: 5, burst: 10 } },
    });
    expect(patched.status, patched.text).to.equal(200);
    expect(patched.body).to.include({ retention_days: 30 });
    expect(patched.body.rate_limit).to.deep.equal({ per_second: 5, burst: 10, is_default: false });

    const events = await eventsOf(system, created.id, 'tenant.updated');
    expect(events).to.have.length(1);
    expect(events[0]).to.include({ user_id: 'ops-alice', resource: 'tenant', resource_id: created.id });
    expect(events[0]?.before_state).to.deep.equal({ retention_days: 365, rate_limit_per_second: null, rate_limit_burst: null });
    expect(events[0]?.after_state).to.deep.equal({ retention_days: 30, rate_limit_per_second: 5, rate_limit_burst: 10 });
    expect(events[0]?.message).to.contain('retention_days 365 → 30');

    const same = await system.api.http.request('PATCH', `/api/v1/tenants/${created.id}`, { token: admin, body: { retention_days: 30 } });
    expect(same.status).to.equal(200);
    expect(await eventsOf(system, created.id, 'tenant.updated')).to.have.length(1);

    const reset = await system.api.http.request('PATCH', `/api/v1/tenants/${created.id}`, { token: admin, body: { rate_limit: null } });
    expect(reset.body.rate_limit).to.deep.equal({ per_second: 100, burst: 200, is_default: true });
    expect(await eventsOf(system, created.id, 'tenant.updated')).to.have.length(2);
  });

  it('changes nothing and records nothing when the change is refused (409 duplicate name, 422 empty or bad body)', async () => {
    const taken = unique('hooli');
    await system.api.http.post('/api/v1/tenants', { token: admin, body: { name: taken } });
    const created = (await system.api.http.post('/api/v1/tenants', { token: admin, body: { name: unique('pied-piper') } })).body;
    expectProblem(await system.api.http.request('PATCH', `/api/v1/tenants/${created.id}`, { token: admin, body: { name: taken.toUpperCase(), retention_days: 7 } }), 409);
    expectProblem(await system.api.http.request('PATCH', `/api/v1/tenants/${created.id}`, { token: admin, body: {} }), 422);
    expectProblem(await system.api.http.request('PATCH', `/api/v1/tenants/${created.id}`, { token: admin, body: { retention_days: 36501 } }), 422);
    const row = await system.ownerPool.query('SELECT name, retention_days FROM tenants WHERE id = $1', [created.id]);
    expect(row.rows[0]).to.deep.equal({ name: created.name, retention_days: 365 });
    expect(await eventsOf(system, created.id, 'tenant.updated')).to.have.length(0);
  });

  it('mints user and auditor tokens that work in the tenant, records token.issued without the token, and bounds ttl', async () => {
    const tenantId = await createTenant(system);
    const minted = await system.api.http.post(`/api/v1/tenants/${tenantId}/tokens`, { token: admin, body: { sub: 'svc-billing', role: 'user', ttl_seconds: 3600 } });
    expect(minted.status, minted.text).to.equal(201);
    expect(minted.body).to.have.keys('token', 'expires_at', 'token_id');
    expect(Date.parse(minted.body.expires_at)).to.be.closeTo(Date.now() + 3600_000, 5_000);
    const claims = jwt.decode(minted.body.token) as Record<string, unknown>;
    expect(claims).to.include({ sub: 'svc-billing', role: 'user', tenant_id: tenantId, jti: minted.body.token_id });
    expect(claims.exp).to.equal(Math.floor(Date.parse(minted.body.expires_at) / 1000));

    const posted = await system.api.http.post('/api/v1/logs', { token: minted.body.token, body: validEvent({ user_id: undefined }) });
    expect(posted.status).to.equal(201);
    const stored = await system.ownerPool.query('SELECT tenant_id, user_id FROM logs WHERE id = $1', [posted.body.id]);
    expect(stored.rows[0]).to.deep.equal({ tenant_id: tenantId, user_id: 'svc-billing' });

    const auditor = await system.api.http.post(`/api/v1/tenants/${tenantId}/tokens`, { token: admin, body: { sub: 'auditor-bob', role: 'auditor' } });
    expect(auditor.status).to.equal(201);
    expect(Date.parse(auditor.body.expires_at)).to.be.closeTo(Date.now() + 3600_000, 5_000);
    expect((await system.api.http.get(`/api/v1/logs/${posted.body.id}`, { token: auditor.body.token })).status).to.equal(200);
    expect((await system.api.http.post('/api/v1/logs', { token: auditor.body.token, body: validEvent() })).status).to.equal(403);

    const issued = await eventsOf(system, tenantId, 'token.issued');
    expect(issued).to.have.length(2);
    expect(issued[0]).to.include({ user_id: 'ops-alice', resource: 'token', resource_id: minted.body.token_id });
    expect(issued[0]?.metadata).to.include({ sub: 'svc-billing', role: 'user', expires_at: minted.body.expires_at });
    expect(JSON.stringify(issued)).not.to.contain(minted.body.token);
  });

  it('refuses admin tokens for a tenant, out-of-range ttl and unknown tenants', async () => {
    const tenantId = await createTenant(system);
    const adminForTenant = await system.api.http.post(`/api/v1/tenants/${tenantId}/tokens`, { token: admin, body: { sub: 'x', role: 'admin', ttl_seconds: 600 } });
    expectProblem(adminForTenant, 422);
    expect(adminForTenant.body.errors.map((e: { path: string }) => e.path)).to.deep.equal(['/role']);
    const tooLong = await system.api.http.post(`/api/v1/tenants/${tenantId}/tokens`, { token: admin, body: { sub: 'x', role: 'user', ttl_seconds: 31 * 24 * 3600 } });
    expectProblem(tooLong, 422);
    expect(tooLong.body.errors[0].path).to.equal('/ttl_seconds');
    expectProblem(await system.api.http.post(`/api/v1/tenants/${tenantId}/tokens`, { token: admin, body: { sub: 'x', role: 'user', ttl_seconds: 59 } }), 422);
    expectProblem(await system.api.http.post(`/api/v1/tenants/${tenantId}/tokens`, { token: admin, body: { role: 'user', tenant_id: randomUUID() } }), 422);
    expectProblem(await system.api.http.post(`/api/v1/tenants/${randomUUID()}/tokens`, { token: admin, body: { sub: 'x', role: 'user' } }), 404);
    expect(await eventsOf(system, tenantId, 'token.issued')).to.have.length(0);
  });
});
