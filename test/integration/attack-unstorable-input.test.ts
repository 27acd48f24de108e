import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { createTenant, tokenFor, validEvent } from '../support/fixtures';
import type { HttpResponse } from '../support/http-client';
import { testSystem, type TestSystem } from '../support/system';

/** A problem response naming exactly these paths. */
function expectRejected(response: HttpResponse, status: number, paths: string[]): void {
  expect(response.status, response.text).to.equal(status);
  expect(response.headers.get('content-type')).to.match(/^application\/problem\+json/);
  expect(response.body.errors.map((e: { path: string }) => e.path)).to.have.members(paths);
}

/** Inputs the fuzzer found turning into 500s or dropped connections before they were refused up front. */
describe('attack corpus: input PostgreSQL cannot store, or that overflows it, is a 4xx naming the field', function () {
  this.timeout(60_000);
  let system: TestSystem;
  let tenantId: string;
  let user: string;
  let auditor: string;
  let admin: string;

  before(async () => {
    system = await testSystem();
    tenantId = await createTenant(system);
    user = tokenFor(system, 'user', tenantId);
    auditor = tokenFor(system, 'auditor', tenantId);
    admin = tokenFor(system, 'admin');
  });

  it('refuses a NUL character in any event field or metadata key, single or bulk, and writes nothing', async () => {
    expectRejected(await system.api.http.post('/api/v1/logs', { token: user, body: validEvent({ action: 'a\u0000b' }) }), 422, ['/action']);
    expectRejected(await system.api.http.post('/api/v1/logs', { token: user, body: validEvent({ metadata: { 'k\u0000': 'v', ok: 'x\u0000' } }) }), 422, ['/metadata/k\u0000', '/metadata/ok']);
    const bulk = { logs: [validEvent(), validEvent({ message: 'nul \u0000 here', after_state: { list: ['\u0000'] } })] };
    expectRejected(await system.api.http.post('/api/v1/logs/bulk', { token: user, body: bulk }), 422, ['/logs/1/message', '/logs/1/after_state/list/0']);
    const stored = await system.ownerPool.query('SELECT count(*)::int AS n FROM logs WHERE tenant_id = $1', [tenantId]);
    expect(stored.rows[0].n).to.equal(0);
  });

  it('refuses a NUL character in search, stats and export filters (export used to drop the connection)', async () => {
    for (const path of ['/api/v1/logs', '/api/v1/logs/stats', '/api/v1/logs/export']) {
      expectRejected(await system.api.http.get(`${path}?resource=%00&user_id=a%00b`, { token: auditor }), 422, ['/resource', '/user_id']);
    }
  });

  it('refuses a NUL character in tenant names and token subjects', async () => {
    expectRejected(await system.api.http.post('/api/v1/tenants', { token: admin, body: { name: `x\u0000${randomUUID()}` } }), 422, ['/name']);
    expectRejected(await system.api.http.post(`/api/v1/tenants/${tenantId}/tokens`, { token: admin, body: { sub: 'svc\u0000', role: 'user' } }), 422, ['/sub']);
  });

  it('refuses a page number beyond what the database can offset', async () => {
    expectRejected(await system.api.http.get('/api/v1/tenants?page=1798718616808265590716631248535552', { token: admin }), 422, ['/page']);
  });

  it('refuses a malformed tenant_id from any caller with 400, instead of ignoring it', async () => {
    for (const [path, token] of [[`/api/v1/logs/${randomUUID()}`, user], [`/api/v1/tasks/${randomUUID()}`, auditor], ['/api/v1/logs', user]] as const) {
      expectRejected(await system.api.http.get(`${path}?tenant_id=`, { token }), 400, ['/tenant_id']);
    }
  });
});
