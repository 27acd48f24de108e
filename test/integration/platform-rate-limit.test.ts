import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { loadConfig } from '../../platform/config/config';
import { capturedLogger } from '../support/captured-logger';
import { createTenant, tokenFor, validEvent } from '../support/fixtures';
import type { HttpResponse } from '../support/http-client';
import { metricValue } from '../support/metrics-text';
import { PrivateRedis } from '../support/private-redis';
import { startApi, testSystem, type RunningApi, type TestSystem } from '../support/system';
import { waitFor } from '../support/wait-for';

function rateLimitHeaders(response: HttpResponse) {
  return {
    limit: response.headers.get('ratelimit-limit'),
    remaining: response.headers.get('ratelimit-remaining'),
    reset: response.headers.get('ratelimit-reset'),
  };
}

function expectRateLimitHeaders(response: HttpResponse, limit: number) {
  const { limit: sent, remaining, reset } = rateLimitHeaders(response);
  expect(sent, response.text).to.equal(String(limit));
  expect(Number(remaining)).to.be.within(0, limit);
  expect(Number(reset)).to.be.at.least(1);
}

const probe = (api: RunningApi, token: string) => api.http.get(`/api/v1/logs/${randomUUID()}`, { token });

describe('platform: per-tenant rate limiting through Redis', function () {
  this.timeout(90_000);
  let system: TestSystem;
  let admin: string;

  /** A tenant with its own limits, made through the admin API. */
  async function limitedTenant(perSecond: number, burst: number): Promise<string> {
    const created = await system.api.http.post('/api/v1/tenants', { token: admin, body: { name: `limited-${randomUUID()}`, rate_limit: { per_second: perSecond, burst } } });
    expect(created.status, created.text).to.equal(201);
    return created.body.id as string;
  }

  before(async () => {
    system = await testSystem();
    admin = tokenFor(system, 'admin');
  });

  it('sends RateLimit-* on every tenant-scoped response, errors included, and not on unauthenticated or operational ones', async () => {
    const tenantId = await createTenant(system);
    const user = tokenFor(system, 'user', tenantId);
    const missing = await probe(system.api, user);
    expect(missing.status).to.equal(404);
    expectRateLimitHeaders(missing, 100);
    const posted = await system.api.http.post('/api/v1/logs', { token: user, body: validEvent() });
    expect(posted.status).to.equal(201);
    expectRateLimitHeaders(posted, 100);
    const invalid = await system.api.http.post('/api/v1/logs', { token: user, body: { action: '' } });
    expect(invalid.status).to.equal(422);
    expectRateLimitHeaders(invalid, 100);
    const asAdmin = await system.api.http.get(`/api/v1/logs/${randomUUID()}?tenant_id=${tenantId}`, { token: admin });
    expectRateLimitHeaders(asAdmin, 100);

    expect(rateLimitHeaders(await system.api.http.get(`/api/v1/logs/${randomUUID()}`)).limit).to.equal(null);
    expect(rateLimitHeaders(await system.api.http.get('/healthz')).limit).to.equal(null);
  });

  it("holds a tenant to its own limits with 429 problem+json and Retry-After, without touching other tenants' budgets", async () => {
    const limited = tokenFor(system, 'user', await limitedTenant(2, 4));
    const neighbour = tokenFor(system, 'user', await createTenant(system));
    const before = metricValue((await system.api.http.get('/metrics')).text, 'audit_rate_limited_requests_total') ?? 0;

    const responses = await Promise.all(Array.from({ length: 12 }, () => probe(system.api, limited)));
    const refused = responses.filter((r) => r.status === 429);
    expect(responses.every((r) => r.status === 404 || r.status === 429)).to.equal(true);
    expect(refused.length).to.be.at.least(1);
    const [first] = refused as [HttpResponse];
    expect(first.headers.get('content-type')).to.match(/^application\/problem\+json/);
    expect(first.body).to.include({ status: 429, title: 'Too Many Requests' });
    expect(Number(first.headers.get('retry-after'))).to.be.within(1, 10);
    expect(rateLimitHeaders(first)).to.include({ limit: '2', remaining: '0' });

    const neighbours = await Promise.all(Array.from({ length: 12 }, () => probe(system.api, neighbour)));
    expect(neighbours.map((r) => r.status)).to.deep.equal(Array(12).fill(404));

    const after = metricValue((await system.api.http.get('/metrics')).text, 'audit_rate_limited_requests_total') ?? 0;
    expect(after - before).to.equal(refused.length);
  });

  it('shares one budget across API replicas', async () => {
    // One request per second plus 2 of burst credit per 10 s: alone, each replica would allow all 3
    // of its requests below, so a 429 on the second replica can only come from the shared counter.
    const token = tokenFor(system, 'user', await limitedTenant(1, 3));
    const replica = await startApi(system.config, system.logger);
    try {
      const statuses: { a: number[]; b: number[] } = { a: [], b: [] };
      for (let i = 0; i < 3; i += 1) {
        statuses.a.push((await probe(system.api, token)).status);
        statuses.b.push((await probe(replica, token)).status);
      }
      expect(statuses.b, JSON.stringify(statuses)).to.include(429);
      expect([...statuses.a, ...statuses.b].filter((s) => s === 404).length).to.be.at.most(4);
    } finally {
      await replica.close();
    }
  });

  it('fails open to a per-replica limit while Redis is down (warning logged, failures counted), and shares again once it is back', async () => {
    const redis = await PrivateRedis.start();
    const captured = capturedLogger('warn');
    const api = await startApi(loadConfig({ ...process.env, REDIS_URL: redis.url }), captured.logger);
    const failures = async () => metricValue((await api.http.get('/metrics')).text, 'audit_rate_limit_store_failures_total') ?? 0;
    try {
      const tenantId = await createTenant(system);
      const user = tokenFor(system, 'user', tenantId);
      expectRateLimitHeaders(await probe(api, user), 100);
      expect(await failures()).to.equal(0);

      await redis.stop();
      const posted = await api.http.post('/api/v1/logs', { token: user, body: validEvent() });
      expect(posted.status, posted.text).to.equal(201);
      expectRateLimitHeaders(posted, 100);
      expect((await probe(api, user)).status).to.equal(404);
      expect(await failures()).to.be.at.least(2);
      const warning = captured.lines().find((line) => line.msg === 'rate limit store unavailable; limiting per replica until Redis answers again');
      expect(warning, captured.text()).to.not.equal(undefined);

      const tight = tokenFor(system, 'user', await limitedTenant(1, 1));
      const burst = await Promise.all(Array.from({ length: 4 }, () => probe(api, tight)));
      expect(burst.map((r) => r.status)).to.include(429);

      await redis.resume();
      await waitFor('the limiter to use Redis again', async () => {
        const before = await failures();
        await probe(api, user);
        return (await failures()) === before;
      }, { timeoutMs: 20_000, intervalMs: 200 });
      const direct = new Redis(redis.url);
      try {
        expect(await direct.keys(`*tenant:${tenantId}`)).to.not.be.empty;
      } finally {
        direct.disconnect();
      }
    } finally {
      await api.close();
      await redis.stop();
    }
  });
});
