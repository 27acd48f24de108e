import { expect } from 'chai';
import type { Redis } from 'ioredis';
import { createRedis } from '../../adapters/redis/redis-client';
import { liveChannel } from '../../adapters/redis/live-publisher';
import { createTenant, tokenFor, validEvent } from '../support/fixtures';
import { openStream, type StreamClient } from '../support/stream-client';
import { testSystem, type TestSystem } from '../support/system';
import { waitFor } from '../support/wait-for';

describe('live tail: delivery, filters and tenant isolation', function () {
  this.timeout(60_000);
  let system: TestSystem;
  let redis: Redis;
  let tenantA: string;
  let tenantB: string;
  let userA: string;
  let userB: string;

  const subscribersOf = async (tenantId: string) => {
    const [, count] = (await redis.pubsub('NUMSUB', liveChannel(tenantId))) as [string, number];
    return Number(count);
  };

  async function post(token: string, overrides: Record<string, unknown>): Promise<string> {
    const response = await system.api.http.post('/api/v1/logs', { token, body: validEvent(overrides) });
    expect(response.status).to.equal(201);
    return response.body.id as string;
  }

  before(async () => {
    system = await testSystem();
    redis = createRedis(system.config.redis.url, 'stream-delivery-test');
    await redis.connect();
    [tenantA, tenantB] = await Promise.all([createTenant(system), createTenant(system)]);
    userA = tokenFor(system, 'user', tenantA, 'svc-a');
    userB = tokenFor(system, 'user', tenantB, 'svc-b');
  });

  after(async () => {
    await redis?.quit();
  });

  it('delivers a posted event as a log message shaped like GET /logs/{id}', async () => {
    const client = await openStream(system.api.url, { token: tokenFor(system, 'auditor', tenantA) });
    try {
      const id = await post(userA, { severity: 'warning', metadata: { plan: 'pro', seats: 3 } });
      const streamed = await client.logWithId(id);
      const fetched = await system.api.http.get(`/api/v1/logs/${id}`, { token: userA });
      expect(streamed).to.deep.equal(fetched.body);
      expect(streamed).to.include({ tenant_id: tenantA, severity: 'WARNING', user_id: 'alice' });
    } finally {
      await client.close();
    }
  });

  it('filters per connection, keeps tenants apart while both are live, and shares one Redis subscription per tenant', async () => {
    const sockets: Record<string, StreamClient> = {
      all: await openStream(system.api.url, { token: userA }),
      severe: await openStream(system.api.url, { token: userA, query: { severity: 'error,CRITICAL' } }),
      bobDeletes: await openStream(system.api.url, { token: userA, query: { user_id: 'bob', action: 'user.delete' } }),
      address: await openStream(system.api.url, { token: userA, query: { ip_address: '2001:db8::1' } }),
      invoice: await openStream(system.api.url, { token: userA, query: { resource: 'invoice', resource_id: 'r-7', session_id: 's-1' } }),
      tenantB: await openStream(system.api.url, { token: userB }),
      adminOnB: await openStream(system.api.url, { token: tokenFor(system, 'admin'), query: { tenant_id: tenantB } }),
    };
    try {
      expect(await subscribersOf(tenantA)).to.equal(1);
      expect(await subscribersOf(tenantB)).to.equal(1);

      const a1 = await post(userA, { user_id: 'alice', severity: 'info', action: 'user.login' });
      const b1 = await post(userB, { user_id: 'bob', severity: 'error', action: 'user.delete', ip_address: '2001:db8::1' });
      const a2 = await post(userA, { user_id: 'bob', severity: 'ERROR', action: 'user.delete', ip_address: '2001:DB8:0:0::1' });
      const a3 = await post(userA, { user_id: 'bob', severity: 'info', action: 'user.delete', resource: 'invoice', resource_id: 'r-7', session_id: 's-1' });
      const a4 = await post(userA, { user_id: 'carol', severity: 'critical', action: 'user.login', resource: 'invoice', resource_id: 'r-7' });
      // Matches every filter above: once it has arrived, everything posted before it has too.
      const last = await post(userA, { user_id: 'bob', severity: 'error', action: 'user.delete', ip_address: '2001:db8::1', resource: 'invoice', resource_id: 'r-7', session_id: 's-1' });
      const lastB = await post(userB, { severity: 'info' });

      await Promise.all([...['all', 'severe', 'bobDeletes', 'address', 'invoice'].map((name) => sockets[name]!.logWithId(last)), sockets.tenantB!.logWithId(lastB), sockets.adminOnB!.logWithId(lastB)]);
      const ids = (name: string) => sockets[name]!.logs().map((event) => event.id);
      expect(ids('all')).to.deep.equal([a1, a2, a3, a4, last]);
      expect(ids('severe')).to.deep.equal([a2, a4, last]);
      expect(ids('bobDeletes')).to.deep.equal([a2, a3, last]);
      expect(ids('address')).to.deep.equal([a2, last]);
      expect(ids('invoice')).to.deep.equal([a3, last]);
      expect(ids('tenantB')).to.deep.equal([b1, lastB]);
      expect(ids('adminOnB')).to.deep.equal([b1, lastB]);
      for (const client of Object.values(sockets)) {
        const tenant = client === sockets.tenantB || client === sockets.adminOnB ? tenantB : tenantA;
        expect(client.logs().every((event) => event.tenant_id === tenant)).to.equal(true);
      }
    } finally {
      await Promise.all(Object.values(sockets).map((client) => client.close()));
    }
    await waitFor('the last sockets to unsubscribe their tenants', async () => (await subscribersOf(tenantA)) === 0 && (await subscribersOf(tenantB)) === 0);
  });

  it('ignores what a tenant-bound token passes as tenant_id', async () => {
    const client = await openStream(system.api.url, { token: userB, query: { tenant_id: tenantA } });
    try {
      expect(client.messages[0]).to.include({ type: 'subscribed', tenant_id: tenantB });
      const fromA = await post(userA, { message: 'for A only' });
      const fromB = await post(userB, { message: 'for B' });
      await client.logWithId(fromB);
      expect(client.logs().map((event) => event.id)).to.deep.equal([fromB]).and.not.include(fromA);
    } finally {
      await client.close();
    }
  });
});
