import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { servedRoutes } from '../../api/openapi/served-routes';
import { createTenant, forgedToken, tokenFor, validEvent } from '../support/fixtures';
import type { HttpResponse } from '../support/http-client';
import { testSystem, type TestSystem } from '../support/system';

function expectProblem(response: HttpResponse, status: number) {
  expect(response.status, response.text).to.equal(status);
  expect(response.headers.get('content-type')).to.match(/^application\/problem\+json/);
  expect(response.body).to.include({ status });
  expect(response.body.request_id).to.equal(response.headers.get('x-request-id'));
}

const ODD_SEGMENTS = ['0', 'null', '%00', '%25', '%ZZ', 'a%2Fb', '%2e%2e', 'ünïcødé', "' OR 1=1 --", 'x'.repeat(300), '00000000-0000-0000-0000-000000000000'];
const ODD_QUERIES = [
  '', '?page=-1', '?page=abc&page=2', '?page_size=1e9', '?tenant_id=nope', '?tenant_id=', '?a[b]=c&a[c]=d', '?%zz=1', '?q=%E0%A4%A', '?sort=;drop',
  '?start_time=yesterday', '?end_time=9999-99-99', '?severity=,,,', '?format=exe', '?before_date=2020-13-45T99:00:00Z', '?cursor=AAAA', `?q=${'x'.repeat(2000)}`,
];
const ODD_BODIES: { contentType?: string; body?: string | Buffer }[] = [
  {},
  { contentType: 'application/json', body: '' },
  { contentType: 'application/json', body: '{' },
  { contentType: 'application/json', body: 'null' },
  { contentType: 'application/json', body: '[]' },
  { contentType: 'application/json', body: '"text"' },
  { contentType: 'application/json', body: '{"__proto__": {"admin": true}, "constructor": {"prototype": {}}}' },
  { contentType: 'application/json', body: `${'['.repeat(5000)}${']'.repeat(5000)}` },
  { contentType: 'application/json', body: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]) },
  { contentType: 'application/json; charset=utf-16', body: '{}' },
  { contentType: 'text/plain', body: 'hello' },
  { contentType: 'application/x-www-form-urlencoded', body: 'a=b' },
  { contentType: 'application/json', body: JSON.stringify({ logs: [validEvent(), { severity: 7 }] }) },
  { contentType: 'application/json', body: JSON.stringify(validEvent({ tenant_id: randomUUID() })) },
];

describe('platform: errors and limits', function () {
  this.timeout(300_000);
  let system: TestSystem;
  let tenantId: string;

  before(async () => {
    system = await testSystem();
    tenantId = await createTenant(system);
  });

  it('answers unknown routes with a 404 problem, under the API prefix and outside it', async () => {
    for (const path of ['/nope', '/api/v1/nope', '/api/v2/logs', '/api/v1', '/API/V1/LOGS/x/y/z']) {
      expectProblem(await system.api.http.get(path, { token: tokenFor(system, 'user', tenantId) }), 404);
    }
  });

  it('answers a method a route does not serve with 405 and an Allow header; OPTIONS with 204 and Allow', async () => {
    const user = tokenFor(system, 'user', tenantId);
    const deleteLog = await system.api.http.request('DELETE', `/api/v1/logs/${randomUUID()}`, { token: user });
    expectProblem(deleteLog, 405);
    expect(deleteLog.headers.get('allow')?.split(', ')).to.include.members(['GET', 'HEAD']);
    const putHealth = await system.api.http.request('PUT', '/healthz');
    expectProblem(putHealth, 405);
    expect(putHealth.headers.get('allow')).to.equal('HEAD, GET');
    expectProblem(await system.api.http.request('PROPFIND', '/api/v1/tenants'), 405);
    const options = await system.api.http.request('OPTIONS', '/api/v1/tenants');
    expect(options.status).to.equal(204);
    expect(options.headers.get('allow')?.split(', ')).to.include.members(['GET', 'POST', 'OPTIONS']);
  });

  it('lists exactly the methods of a concrete path in Allow, not those of a templated path that also matches it', async () => {
    const user = tokenFor(system, 'user', tenantId);
    const allowOf = async (method: string, path: string) => (await system.api.http.request(method, path, { token: user })).headers.get('allow');
    expect(await allowOf('OPTIONS', '/api/v1/logs/bulk')).to.equal('POST, OPTIONS');
    expect(await allowOf('OPTIONS', '/api/v1/logs/cleanup')).to.equal('DELETE, OPTIONS');
    const readBulk = await system.api.http.get('/api/v1/logs/bulk', { token: user });
    expectProblem(readBulk, 405);
    expect(readBulk.headers.get('allow')).to.equal('POST');
    expect(await allowOf('OPTIONS', `/api/v1/logs/${randomUUID()}`)).to.equal('HEAD, GET, OPTIONS');
  });

  it('answers 413 past the body limit, 415 for another media type and 400 for malformed JSON or query strings', async () => {
    const admin = tokenFor(system, 'admin');
    const big = await system.api.http.post('/api/v1/tenants', { token: admin, body: { name: 'x'.repeat(20_000) } });
    expectProblem(big, 413);
    expectProblem(await system.api.http.post('/api/v1/tenants', { token: admin, rawBody: 'name=acme', headers: { 'content-type': 'application/x-www-form-urlencoded' } }), 415);
    expectProblem(await system.api.http.post('/api/v1/tenants', { token: admin, rawBody: '{"name":', headers: { 'content-type': 'application/json' } }), 400);
    // Found by fast-check: thousands of nested arrays overflowed a recursive walk into a 500.
    const deep = await system.api.http.post('/api/v1/logs', { token: tokenFor(system, 'user', tenantId), rawBody: `${'['.repeat(5000)}${']'.repeat(5000)}`, headers: { 'content-type': 'application/json' } });
    expectProblem(deep, 400);
    expect(deep.body.detail).to.contain('more than 64 levels deep');
    const deepMetadata = await system.api.http.post('/api/v1/logs', { token: tokenFor(system, 'user', tenantId), body: validEvent({ metadata: { a: JSON.parse(`${'['.repeat(80)}${']'.repeat(80)}`) } }) });
    expectProblem(deepMetadata, 400);
    const badQuery = await system.api.http.get('/api/v1/tenants?page=%zz', { token: admin });
    expectProblem(badQuery, 400);
    expect(badQuery.body.errors).to.deep.equal([{ path: '/page', message: 'is not valid percent-encoding' }]);
    const badName = await system.api.http.get(`/api/v1/logs/${randomUUID()}?%E0%A4%A=1`, { token: tokenFor(system, 'user', tenantId) });
    expectProblem(badName, 400);
  });

  it('gives no 5xx for any odd input on any served route, and every error is problem+json', async () => {
    const admin = tokenFor(system, 'admin', undefined, 'battery-admin');
    // The battery tenant may send as fast as the test can: 429s would hide what the routes do.
    const raised = await system.api.http.request('PATCH', `/api/v1/tenants/${tenantId}`, { token: admin, body: { rate_limit: { per_second: 100_000, burst: 100_000 } } });
    expect(raised.status).to.equal(200);
    const routes = servedRoutes(system.api.app);
    const tokens = fc.constantFrom<(() => string | undefined)>(
      () => undefined,
      () => 'not-a-jwt',
      () => forgedToken(tenantId),
      () => tokenFor(system, 'user', tenantId),
      () => tokenFor(system, 'auditor', tenantId),
      () => tokenFor(system, 'admin', undefined, `battery-${randomUUID()}`),
      () => tokenFor(system, 'admin', tenantId, `battery-${randomUUID()}`),
    );
    const segment = fc.oneof(fc.constantFrom(...ODD_SEGMENTS, tenantId, randomUUID()), fc.string({ minLength: 1, maxLength: 40 }).map(encodeURIComponent));
    const query = fc.oneof(
      fc.constantFrom(...ODD_QUERIES),
      fc.constant(`?tenant_id=${tenantId}`),
      fc.dictionary(fc.string({ maxLength: 12 }), fc.string({ maxLength: 30 }), { maxKeys: 4 }).map((d) => `?${new URLSearchParams(d).toString()}&tenant_id=${tenantId}`),
    );
    const body = fc.oneof(
      fc.constantFrom(...ODD_BODIES),
      fc.jsonValue({ maxDepth: 4 }).map((value) => ({ contentType: 'application/json', body: JSON.stringify(value) })),
      fc.record({ name: fc.string(), retention_days: fc.integer(), sub: fc.string(), role: fc.string(), ttl_seconds: fc.double() }).map((value) => ({ contentType: 'application/json', body: JSON.stringify(value) })),
    );
    const method = fc.constantFrom('served', 'GET', 'POST', 'PUT', 'PATCH', 'DELETE');

    let requests = 0;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...routes), tokens, segment, query, body, method, async (route, token, param, search, payload, verb) => {
        const path = route.path.replace(/\{[^}]+\}/g, param);
        const httpMethod = verb === 'served' ? route.method.toUpperCase() : verb;
        const bodyless = httpMethod === 'GET' || httpMethod === 'HEAD';
        const headers: Record<string, string> = payload.contentType && !bodyless ? { 'content-type': payload.contentType } : {};
        const response = await system.api.http.request(httpMethod, `${path}${search}`, { token: token(), rawBody: bodyless ? undefined : payload.body, headers });
        requests += 1;
        const label = `${httpMethod} ${path}${search.slice(0, 80)} → ${response.status} ${response.text.slice(0, 200)}`;
        expect(response.status, label).to.be.below(500);
        if (response.status >= 400) expect(response.headers.get('content-type'), label).to.match(/^application\/problem\+json/);
      }),
      { numRuns: 600, endOnFailure: true },
    );
    expect(requests).to.equal(600);
  });
});
