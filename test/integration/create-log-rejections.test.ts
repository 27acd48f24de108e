import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { createTenant, forgedToken, signClaims, tokenFor, validEvent } from '../support/fixtures';
import type { HttpResponse } from '../support/http-client';
import { testSystem, type TestSystem } from '../support/system';

function expectProblem(response: HttpResponse, status: number) {
  expect(response.status, response.text).to.equal(status);
  expect(response.headers.get('content-type')).to.match(/^application\/problem\+json/);
  expect(response.body).to.include({ status });
  expect(response.body.title).to.be.a('string').and.not.empty;
  expect(response.body.request_id).to.equal(response.headers.get('x-request-id'));
}

describe('POST /logs and GET /logs/{id} reject what api.md says they reject', function () {
  this.timeout(60_000);
  let system: TestSystem;
  let tenantId: string;
  let token: string;

  const countLogs = async () => (await system.ownerPool.query('SELECT count(*)::int AS n FROM logs WHERE tenant_id = $1', [tenantId])).rows[0].n as number;
  const countTasks = async () => (await system.ownerPool.query(`SELECT count(*)::int AS n FROM async_task WHERE tenant_id = $1 AND task_type = 'reindex'`, [tenantId])).rows[0].n as number;

  before(async () => {
    system = await testSystem();
    tenantId = await createTenant(system);
    token = tokenFor(system, 'user', tenantId);
  });

  it('answers 422 naming every invalid field, and writes nothing', async () => {
    const response = await system.api.http.post('/api/v1/logs', {
      token,
      body: {
        action: '',
        severity: 'loud',
        ip_address: '999.1.1.1',
        user_agent: 'x'.repeat(1025),
        metadata: { blob: 'y'.repeat(17 * 1024) },
        event_timestamp: new Date(Date.now() + 3_600_000).toISOString(),
        tenant_id: randomUUID(),
        colour: 'red',
      },
    });
    expectProblem(response, 422);
    const paths = (response.body.errors as { path: string }[]).map((e) => e.path).sort();
    expect(paths).to.deep.equal(['/action', '/colour', '/ip_address', '/severity', '/tenant_id', '/user_agent'].sort());
    const semantic = await system.api.http.post('/api/v1/logs', {
      token,
      body: validEvent({ metadata: { blob: 'y'.repeat(17 * 1024) }, event_timestamp: new Date(Date.now() + 3_600_000).toISOString() }),
    });
    expectProblem(semantic, 422);
    expect((semantic.body.errors as { path: string }[]).map((e) => e.path).sort()).to.deep.equal(['/event_timestamp', '/metadata']);
    const missing = await system.api.http.post('/api/v1/logs', { token, body: {} });
    expect((missing.body.errors as { path: string; message: string }[]).map((e) => e.path).sort()).to.deep.equal(['/action', '/severity']);
    expect(await countLogs()).to.equal(0);
    expect(await countTasks()).to.equal(0);
  });

  it("refuses actions under audit_log., which only the service writes (a forged record of a read), in single and bulk requests", async () => {
    // A tenant of its own: the one accepted lookalike below must not count in the other tests' tenant.
    const tenant = await createTenant(system);
    const admin = tokenFor(system, 'admin', tenant);
    const user = tokenFor(system, 'user', tenant);
    for (const action of ['audit_log.viewed', 'audit_log.anything']) {
      const single = await system.api.http.post('/api/v1/logs', { token: admin, body: validEvent({ action }) });
      expectProblem(single, 422);
      expect((single.body.errors as { path: string }[]).map((e) => e.path)).to.deep.equal(['/action']);
    }
    const bulk = await system.api.http.post('/api/v1/logs/bulk', { token: user, body: { logs: [validEvent(), validEvent({ action: 'audit_log.viewed' }), validEvent()] } });
    expectProblem(bulk, 422);
    expect((bulk.body.errors as { path: string }[]).map((e) => e.path)).to.deep.equal(['/logs/1/action']);
    // Lookalikes are ordinary actions: the rule is the exact prefix the service writes.
    const lookalike = await system.api.http.post('/api/v1/logs', { token: user, body: validEvent({ action: 'audit_log_viewed' }) });
    expect(lookalike.status, lookalike.text).to.equal(201);
    const stored = await system.ownerPool.query('SELECT action FROM logs WHERE tenant_id = $1', [tenant]);
    expect(stored.rows.map((row: { action: string }) => row.action)).to.deep.equal(['audit_log_viewed']);
  });

  it('answers 400 for malformed JSON, 415 for another content type and 413 past 64 KiB', async () => {
    expectProblem(await system.api.http.post('/api/v1/logs', { token, rawBody: '{"action": ', headers: { 'content-type': 'application/json' } }), 400);
    expectProblem(await system.api.http.post('/api/v1/logs', { token, rawBody: 'action=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } }), 415);
    expectProblem(await system.api.http.post('/api/v1/logs', { token, body: validEvent({ message: 'z'.repeat(70 * 1024) }) }), 413);
    expect(await countLogs()).to.equal(0);
  });

  it('answers 401 for a missing, forged, expired, unsigned or tenantless token', async () => {
    const claims = { role: 'user', tenant_id: tenantId, sub: 'x' };
    const unsigned = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${Buffer.from(JSON.stringify({ ...claims, exp: Math.floor(Date.now() / 1000) + 600 })).toString('base64url')}.`;
    const tokens: Record<string, string | undefined> = {
      missing: undefined,
      forged: forgedToken(tenantId),
      expired: signClaims(system, { ...claims, exp: Math.floor(Date.now() / 1000) - 10 }),
      unsigned,
      'without exp': signClaims(system, claims),
      'unknown tenant': tokenFor(system, 'user', randomUUID()),
      'unknown role': signClaims(system, { ...claims, role: 'root' }, { expiresIn: 600 }),
    };
    for (const [name, bad] of Object.entries(tokens)) {
      const response = await system.api.http.post('/api/v1/logs', { token: bad, body: validEvent() });
      expect(response.status, name).to.equal(401);
      expectProblem(response, 401);
    }
    expect(await countLogs()).to.equal(0);
  });

  it('answers 403 to a role that may not write, and 400 to an admin who names no tenant', async () => {
    expectProblem(await system.api.http.post('/api/v1/logs', { token: tokenFor(system, 'auditor', tenantId), body: validEvent() }), 403);
    const admin = tokenFor(system, 'admin');
    const noTenant = await system.api.http.post('/api/v1/logs', { token: admin, body: validEvent() });
    expectProblem(noTenant, 400);
    expect(noTenant.body.errors).to.deep.equal([{ path: '/tenant_id', message: 'is required' }]);
    const adminTarget = await createTenant(system);
    const asAdmin = await system.api.http.post(`/api/v1/logs?tenant_id=${adminTarget}`, { token: admin, body: validEvent() });
    expect(asAdmin.status).to.equal(201);
    expect(await countLogs()).to.equal(0);
  });

  it("answers another tenant's log id exactly as a missing one: 404", async () => {
    const otherTenant = await createTenant(system);
    const theirs = await system.api.http.post('/api/v1/logs', { token: tokenFor(system, 'user', otherTenant), body: validEvent() });
    expect(theirs.status).to.equal(201);
    const foreign = await system.api.http.get(`/api/v1/logs/${theirs.body.id}`, { token });
    const missing = await system.api.http.get(`/api/v1/logs/${randomUUID()}`, { token });
    const notUuid = await system.api.http.get('/api/v1/logs/not-a-uuid', { token });
    for (const response of [foreign, missing, notUuid]) expectProblem(response, 404);
    const { request_id: _a, ...foreignBody } = foreign.body;
    const { request_id: _b, ...missingBody } = missing.body;
    expect(foreignBody).to.deep.equal(missingBody);
    const ownersView = await system.api.http.get(`/api/v1/logs/${theirs.body.id}`, { token: tokenFor(system, 'user', otherTenant) });
    expect(ownersView.status).to.equal(200);
  });

  it('echoes a caller X-Request-Id and makes one otherwise', async () => {
    const echoed = await system.api.http.get('/healthz', { headers: { 'x-request-id': 'trace-abc-123' } });
    expect(echoed.headers.get('x-request-id')).to.equal('trace-abc-123');
    const made = await system.api.http.get('/healthz');
    expect(made.headers.get('x-request-id')).to.match(/^[0-9a-f-]{36}$/);
  });

  it('reports each dependency on /readyz', async () => {
    const response = await system.api.http.get('/readyz');
    expect(response.status).to.equal(200);
    expect(response.body.status).to.equal('ready');
    expect(Object.keys(response.body.dependencies).sort()).to.deep.equal(['opensearch', 'postgres', 'redis', 's3', 'sqs', 'temporal']);
    for (const state of Object.values(response.body.dependencies) as { status: string }[]) expect(state.status).to.equal('up');
  });
});
