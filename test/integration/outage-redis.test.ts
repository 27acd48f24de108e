import { expect } from 'chai';
import { outageSandboxName, startOutageSystem } from '../support/outage-system';
import {
  Acknowledged,
  expectReadiness,
  ingestDuringOutage,
  expectUnavailableProblem,
  openTail,
  outageTenant,
  postOne,
  readEverything,
  refusedStream,
  tenantTaskIds,
  waitUntilIndexed,
  waitUntilTasksEnd,
  type OutageTenant,
} from '../support/outage-tour';
import { PrivateRedis } from '../support/private-redis';
import type { TestSystem } from '../support/system';
import { waitFor } from '../support/wait-for';

describe('outage: Redis down', function () {
  this.timeout(300_000);
  let redis: PrivateRedis;
  let system: TestSystem;
  let tenant: OutageTenant;

  before(async () => {
    redis = await PrivateRedis.start();
    system = await startOutageSystem(outageSandboxName('redis'), { redisUrl: redis.url });
    tenant = await outageTenant(system);
  });
  after(async () => {
    await system?.stop();
    await redis?.stop();
  });

  it('keeps ingesting and serving (rate limits per replica); the live tail closes with 1013, refuses with 503, and comes back with Redis', async () => {
    const acknowledged = new Acknowledged();
    const tail = await openTail(system, tenant);
    const before = await postOne(system, tenant, 'before the outage');
    acknowledged.record(before);
    await tail.logWithId(before.body.id);

    await redis.stop();
    try {
      const cut = await tail.closed;
      expect(cut, 'a subscriber learns that the feed was cut and should reconnect').to.deep.equal({ code: 1013, reason: 'live feed interrupted; reconnect' });

      const { single, bulk } = await ingestDuringOutage(system, tenant, acknowledged);
      // The limiter falls back to a per-replica count (platform-rate-limit.test.ts covers it in detail).
      expect(single.headers.get('ratelimit-limit')).to.equal('100');

      const refusal = await refusedStream(system.api.url, { token: tenant.reader });
      expectUnavailableProblem('a new live tail', { ...refusal, text: JSON.stringify(refusal.body), headers: new Headers(refusal.headers as Record<string, string>) }, /live feed/);

      const seen = await readEverything(system, tenant, before.body.id, bulk.body.task_id);
      Object.entries(seen).forEach(([name, response]) => expect(response.status, `${name}: ${response.text.slice(0, 300)}`).to.equal(200));
      await expectReadiness(system, 200, 'redis', 'down');
      await waitUntilIndexed(system, tenant.tenantId, acknowledged.ids);
    } finally {
      await redis.resume();
    }

    const again = await waitFor('the live tail to accept subscribers again', () => openTail(system, tenant).catch(() => undefined), { timeoutMs: 30_000, intervalMs: 500 });
    const after = await postOne(system, tenant, 'after the outage');
    acknowledged.record(after);
    await again.logWithId(after.body.id);
    await waitUntilIndexed(system, tenant.tenantId, acknowledged.ids);
    expect(await waitUntilTasksEnd(system, await tenantTaskIds(system, tenant.tenantId))).to.deep.equal([]);
    await expectReadiness(system, 200, 'redis', 'up');
    await again.close();
  });
});
