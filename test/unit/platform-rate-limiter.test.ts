import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { createTenantRateLimiter } from '../../adapters/redis/tenant-rate-limiter';
import { capturedLogger } from '../support/captured-logger';

describe('unit: tenant rate limiter without its Redis', () => {
  // Port 1 refuses connections: every decision falls back to this replica's own counter.
  const redis = new Redis('redis://127.0.0.1:1', { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on('error', () => undefined);
  after(() => redis.disconnect());

  it('still limits per replica with the same policy: the rate, then the burst credit, then 429', async () => {
    let failures = 0;
    const { logger, lines } = capturedLogger('warn');
    const limiter = createTenantRateLimiter({ redis, logger, onStoreFailure: () => (failures += 1) });
    const key = `tenant:${randomUUID()}`;
    const decisions = [];
    for (let i = 0; i < 6; i += 1) decisions.push(await limiter.consume(key, { perSecond: 2, burst: 5 }));
    expect(decisions.map((d) => d.allowed)).to.deep.equal([true, true, true, true, true, false]);
    expect(decisions.map((d) => d.remaining)).to.deep.equal([1, 0, 2, 1, 0, 0]);
    expect(decisions.every((d) => d.store === 'memory' && d.limit === 2)).to.equal(true);
    expect(decisions[5]?.retryAfterSeconds).to.be.within(1, 10);
    expect(failures).to.equal(6);
    const warnings = lines().filter((line) => String(line.msg).startsWith('rate limit store unavailable'));
    expect(warnings).to.have.length(1);
  });

  it('keeps tenants apart', async () => {
    const limiter = createTenantRateLimiter({ redis, logger: capturedLogger('silent').logger });
    const policy = { perSecond: 1, burst: 1 };
    expect((await limiter.consume('tenant:a', policy)).allowed).to.equal(true);
    expect((await limiter.consume('tenant:a', policy)).allowed).to.equal(false);
    expect((await limiter.consume('tenant:b', policy)).allowed).to.equal(true);
  });
});
