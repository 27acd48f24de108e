import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { WebSocket } from 'ws';
import { spawnApiProcess, type ApiProcess } from '../support/api-process';
import { createTenant, tokenFor, validEvent } from '../support/fixtures';
import type { HttpClient, HttpResponse } from '../support/http-client';
import { openStream, refusedStream, type Closed, type StreamClient } from '../support/stream-client';
import { testSystem, type TestSystem } from '../support/system';
import { waitFor } from '../support/wait-for';

const DEADLINE_MS = 5_000;

function expectProblem(response: HttpResponse, status: number, detail?: RegExp) {
  expect(response.status, response.text).to.equal(status);
  expect(response.headers.get('content-type')).to.match(/^application\/problem\+json/);
  if (detail) expect(response.body.detail).to.match(detail);
}

/** 404 for a log id nobody has means the token was accepted (and the tenant's rows were read); 401 that it was refused. */
const probe = (http: HttpClient, token: string) => http.get(`/api/v1/logs/${randomUUID()}`, { token });

/** Milliseconds from `since` until `http` refuses `token` (401), polled until the deadline. */
async function refusedAfter(http: HttpClient, token: string, since: number): Promise<{ ms: number; response: HttpResponse }> {
  const response = await waitFor(
    'the token to be refused',
    async () => {
      const answer = await probe(http, token);
      return answer.status === 401 ? answer : undefined;
    },
    { timeoutMs: DEADLINE_MS, intervalMs: 10 },
  );
  return { ms: performance.now() - since, response };
}

/** The close of a live-tail socket, or a failure once the deadline has passed. */
function closedWithin(stream: StreamClient, ms: number): Promise<Closed> {
  return Promise.race([
    stream.closed,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`the stream was not closed within ${ms} ms`)), ms)),
  ]);
}

async function actionsOf(system: TestSystem, tenantId: string): Promise<Record<string, any>[]> {
  const result = await system.ownerPool.query(
    "SELECT action, user_id, resource, resource_id, metadata FROM logs WHERE tenant_id = $1 AND action IN ('token.revoked', 'tenant.suspended', 'tenant.resumed') ORDER BY received_at",
    [tenantId],
  );
  return result.rows;
}

/**
 * Revocation and suspension across two API processes started from the real entry point. Their
 * periodic re-read is set to ten minutes, so what reaches the second process within the test's
 * deadlines reached it through the Redis announcement; the safety net (the re-read) is checked on
 * the in-process API, which re-reads every few seconds.
 */
describe('token revocation and tenant suspension across API processes', function () {
  this.timeout(300_000);
  let system: TestSystem;
  let a: ApiProcess;
  let b: ApiProcess;
  let admin: string;
  let tenantId: string;
  let otherTenantId: string;
  const minted = {} as Record<'leaked' | 'kept' | 'auditor' | 'other', { token: string; token_id: string }>;
  let unrecorded: string;
  const streams: StreamClient[] = [];

  const mint = async (tenant: string, sub: string, role: 'user' | 'auditor') => {
    const response = await a.http.post(`/api/v1/tenants/${tenant}/tokens`, { token: admin, body: { sub, role, ttl_seconds: 3600 } });
    expect(response.status, response.text).to.equal(201);
    return response.body as { token: string; token_id: string };
  };
  const stream = async (api: ApiProcess | TestSystem['api'], token: string) => {
    const client = await openStream(api.url, { token });
    streams.push(client);
    return client;
  };

  before(async () => {
    system = await testSystem();
    const env = { REVOCATION_REFRESH_MS: '600000', TOKEN_LAST_USE_FLUSH_MS: '300' };
    [a, b] = await Promise.all([spawnApiProcess(env), spawnApiProcess(env)]);
    admin = tokenFor(system, 'admin', undefined, 'ops-revoker');
    tenantId = await createTenant(system);
    otherTenantId = await createTenant(system);
    minted.leaked = await mint(tenantId, 'svc-leaky', 'user');
    minted.kept = await mint(tenantId, 'svc-billing', 'user');
    minted.auditor = await mint(tenantId, 'auditor-bob', 'auditor');
    minted.other = await mint(otherTenantId, 'svc-neighbour', 'user');
    unrecorded = tokenFor(system, 'user', tenantId, 'operator-signed');
  });

  after(async () => {
    streams.forEach((client) => client.socket.terminate());
    await Promise.all([a?.stop(), b?.stop()]);
  });

  it('lists the minted tokens of a tenant, newest first and paged, with coarse last use', async () => {
    const listed = await b.http.get(`/api/v1/tenants/${tenantId}/tokens`, { token: admin });
    expect(listed.status, listed.text).to.equal(200);
    expect(listed.body).to.include({ page: 1, page_size: 100, total: 3 });
    expect(listed.body.items.map((item: { token_id: string }) => item.token_id)).to.deep.equal([minted.auditor.token_id, minted.kept.token_id, minted.leaked.token_id]);
    expect(listed.body.items[0]).to.have.keys('token_id', 'sub', 'role', 'expires_at', 'created_at', 'last_used_at', 'revoked_at', 'filters');
    expect(listed.body.items[0]).to.include({ sub: 'auditor-bob', role: 'auditor', revoked_at: null, filters: null });
    expect(JSON.stringify(listed.body)).not.to.contain(minted.auditor.token);
    const paged = await a.http.get(`/api/v1/tenants/${tenantId}/tokens?page=2&page_size=2`, { token: admin });
    expect(paged.body.items.map((item: { token_id: string }) => item.token_id)).to.deep.equal([minted.leaked.token_id]);
    const rows = await system.ownerPool.query('SELECT token_id, sub, role FROM issued_tokens WHERE tenant_id = $1', [tenantId]);
    expect(rows.rows).to.have.length(3);

    expect((await probe(a.http, minted.leaked.token)).status).to.equal(404);
    const used = await waitFor('last_used_at of the used token', async () => {
      const row = await system.ownerPool.query('SELECT last_used_at FROM issued_tokens WHERE token_id = $1', [minted.leaked.token_id]);
      return row.rows[0]?.last_used_at ?? undefined;
    });
    expect(Date.now() - (used as Date).getTime()).to.be.lessThan(60_000);
    const unused = await system.ownerPool.query('SELECT last_used_at FROM issued_tokens WHERE token_id = $1', [minted.kept.token_id]);
    expect(unused.rows[0].last_used_at).to.equal(null);
  });

  it('lets only platform admins list and revoke tokens (403 for user, auditor and a tenant-bound admin)', async () => {
    const tenantAdmin = tokenFor(system, 'admin', tenantId);
    for (const token of [minted.kept.token, minted.auditor.token, tenantAdmin]) {
      expectProblem(await a.http.get(`/api/v1/tenants/${tenantId}/tokens`, { token }), 403);
      expectProblem(await a.http.request('DELETE', `/api/v1/tenants/${tenantId}/tokens/${minted.leaked.token_id}`, { token }), 403);
    }
    expectProblem(await a.http.get(`/api/v1/tenants/${tenantId}/tokens`), 401);
    expectProblem(await a.http.get(`/api/v1/tenants/${randomUUID()}/tokens`, { token: admin }), 404);
    expectProblem(await a.http.get(`/api/v1/tenants/${tenantId}/tokens?page_size=0`, { token: admin }), 422);
    expect((await probe(b.http, minted.leaked.token)).status).to.equal(404);
  });

  it('refuses a revoked token on both processes (delay printed) and closes its streams with 4401; other tokens keep working', async () => {
    const leakedOnB = await stream(b, minted.leaked.token);
    const keptOnB = await stream(b, minted.kept.token);
    expect((await probe(a.http, minted.leaked.token)).status).to.equal(404);
    expect((await probe(b.http, minted.leaked.token)).status).to.equal(404);

    const revoked = await a.http.request('DELETE', `/api/v1/tenants/${tenantId}/tokens/${minted.leaked.token_id}`, { token: admin });
    const at = performance.now();
    expect(revoked.status, revoked.text).to.equal(204);
    const [onA, onB, closed] = await Promise.all([
      refusedAfter(a.http, minted.leaked.token, at),
      refusedAfter(b.http, minted.leaked.token, at),
      closedWithin(leakedOnB, DEADLINE_MS).then((how) => ({ ...how, ms: performance.now() - at })),
    ]);
    console.log(`      revocation delay after the 204: ${onA.ms.toFixed(1)} ms on the process that revoked, ${onB.ms.toFixed(1)} ms on the other, stream closed after ${closed.ms.toFixed(1)} ms`);
    expectProblem(onB.response, 401, /revoked/);
    expect(closed.code).to.equal(4401);

    expect(keptOnB.socket.readyState).to.equal(WebSocket.OPEN);
    for (const api of [a, b]) {
      expect((await probe(api.http, minted.kept.token)).status).to.equal(404);
      expect((await probe(api.http, minted.auditor.token)).status).to.equal(404);
      expect((await probe(api.http, unrecorded)).status).to.equal(404);
    }
    expect((await refusedStream(a.url, { token: minted.leaked.token })).status).to.equal(401);

    expect((await b.http.request('DELETE', `/api/v1/tenants/${tenantId}/tokens/${minted.leaked.token_id}`, { token: admin })).status).to.equal(204);
    expectProblem(await b.http.request('DELETE', `/api/v1/tenants/${tenantId}/tokens/${randomUUID()}`, { token: admin }), 404);
    expectProblem(await b.http.request('DELETE', `/api/v1/tenants/${tenantId}/tokens/not-a-token`, { token: admin }), 404);
    expectProblem(await b.http.request('DELETE', `/api/v1/tenants/${otherTenantId}/tokens/${minted.kept.token_id}`, { token: admin }), 404);
    const row = await system.ownerPool.query('SELECT revoked_at FROM issued_tokens WHERE token_id = $1', [minted.leaked.token_id]);
    expect(row.rows[0].revoked_at).to.be.instanceOf(Date);
    const listed = await b.http.get(`/api/v1/tenants/${tenantId}/tokens`, { token: admin });
    expect(listed.body.items.find((item: { token_id: string }) => item.token_id === minted.leaked.token_id).revoked_at).to.be.a('string');
  });

  it("suspends a tenant: every token of it refused on both processes, its streams closed, its logs kept, other tenants unaffected", async () => {
    const posted = await a.http.post('/api/v1/logs', { token: minted.kept.token, body: validEvent() });
    expect(posted.status, posted.text).to.equal(201);
    const idsOfLogs = async () => (await system.ownerPool.query('SELECT id FROM logs WHERE tenant_id = $1', [tenantId])).rows.map((row) => row.id as string);
    const before = await idsOfLogs();
    const keptOnA = await stream(a, minted.kept.token);
    const auditorOnB = await stream(b, minted.auditor.token);
    const neighbourOnB = await stream(b, minted.other.token);

    const suspended = await b.http.post(`/api/v1/tenants/${tenantId}/suspend`, { token: admin });
    const at = performance.now();
    expect(suspended.status, suspended.text).to.equal(200);
    expect(suspended.body).to.include({ id: tenantId, suspended: true });
    const refusals = await Promise.all(
      [a, b].flatMap((api) => [minted.kept.token, minted.auditor.token, unrecorded].map((token) => refusedAfter(api.http, token, at))),
    );
    console.log(`      suspension delay after the 200: every token refused on both processes within ${Math.max(...refusals.map((r) => r.ms)).toFixed(1)} ms`);
    refusals.forEach(({ response }) => expectProblem(response, 401, /suspended/));
    expect((await closedWithin(keptOnA, DEADLINE_MS)).code).to.equal(4401);
    expect((await closedWithin(auditorOnB, DEADLINE_MS)).code).to.equal(4401);
    expect((await refusedStream(a.url, { token: minted.kept.token })).status).to.equal(401);

    expect(neighbourOnB.socket.readyState).to.equal(WebSocket.OPEN);
    for (const api of [a, b]) expect((await probe(api.http, minted.other.token)).status).to.equal(404);
    expect((await a.http.get(`/api/v1/logs/${posted.body.id}?tenant_id=${tenantId}`, { token: admin })).status).to.equal(200);
    expect(before).to.include(posted.body.id);
    expect(await idsOfLogs()).to.include.members(before);
    // Retention still selects it: as of a day past its retention, the sweep's query names the tenant.
    const due = await system.appPool.query("SELECT tenant_id FROM tenants_due_for_retention(now() + interval '366 days', NULL, 100000) WHERE tenant_id = $1", [tenantId]);
    expect(due.rows).to.have.length(1);

    expect((await a.http.post(`/api/v1/tenants/${tenantId}/suspend`, { token: admin })).body.suspended).to.equal(true);
    const fetched = await a.http.get(`/api/v1/tenants/${tenantId}`, { token: admin });
    expect(fetched.body.suspended).to.equal(true);
    expect((await a.http.get(`/api/v1/tenants/${otherTenantId}`, { token: admin })).body.suspended).to.equal(false);
  });

  it('resumes a tenant: its tokens work again on both processes, the revoked one stays refused', async () => {
    const resumed = await a.http.post(`/api/v1/tenants/${tenantId}/resume`, { token: admin });
    expect(resumed.status, resumed.text).to.equal(200);
    expect(resumed.body).to.include({ id: tenantId, suspended: false });
    for (const api of [a, b]) {
      for (const token of [minted.kept.token, minted.auditor.token, unrecorded]) {
        await waitFor('the token to be accepted again', async () => (await probe(api.http, token)).status === 404, { timeoutMs: DEADLINE_MS, intervalMs: 20 });
      }
      expectProblem(await probe(api.http, minted.leaked.token), 401, /revoked/);
    }
    const resumedStream = await stream(b, minted.kept.token);
    expect(resumedStream.socket.readyState).to.equal(WebSocket.OPEN);
    expect((await a.http.post(`/api/v1/tenants/${tenantId}/resume`, { token: admin })).body.suspended).to.equal(false);
    expectProblem(await a.http.post(`/api/v1/tenants/${randomUUID()}/suspend`, { token: admin }), 404);
    expectProblem(await a.http.post(`/api/v1/tenants/${tenantId}/suspend`, { token: minted.kept.token }), 403);
  });

  it("records each revocation, suspension and resumption once, as events of the tenant's own log", async () => {
    const events = await actionsOf(system, tenantId);
    expect(events.map((event) => event.action)).to.deep.equal(['token.revoked', 'tenant.suspended', 'tenant.resumed']);
    expect(events[0]).to.include({ user_id: 'ops-revoker', resource: 'token', resource_id: minted.leaked.token_id });
    expect(events[0]?.metadata).to.include({ sub: 'svc-leaky', role: 'user' });
    expect(events[1]).to.include({ user_id: 'ops-revoker', resource: 'tenant', resource_id: tenantId });
    expect(await actionsOf(system, otherTenantId)).to.have.length(0);
  });

  it('heals without the announcement: a revocation written behind the processes is picked up by the periodic re-read', async () => {
    const quiet = await mint(tenantId, 'svc-quiet', 'user');
    expect((await probe(system.api.http, quiet.token)).status).to.equal(404);
    const quietStream = await stream(system.api, quiet.token);
    await system.ownerPool.query('UPDATE issued_tokens SET revoked_at = now() WHERE token_id = $1', [quiet.token_id]);
    const at = performance.now();
    const { ms } = await waitFor(
      'the re-read to refuse the token',
      async () => ((await probe(system.api.http, quiet.token)).status === 401 ? { ms: performance.now() - at } : undefined),
      { timeoutMs: 30_000, intervalMs: 50 },
    );
    console.log(`      revocation without an announcement refused after ${ms.toFixed(0)} ms (the re-read interval)`);
    expect((await closedWithin(quietStream, DEADLINE_MS)).code).to.equal(4401);
  });
});
