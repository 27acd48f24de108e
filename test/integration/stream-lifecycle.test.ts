import { expect } from 'chai';
import { signToken } from '../../platform/auth/sign-token';
import { MAX_INBOUND_FRAME_BYTES } from '../../api/stream/attach-log-stream';
import { createTenant, tokenFor, validEvent } from '../support/fixtures';
import { openStream, refusedStream } from '../support/stream-client';
import { startApi, testSystem, type RunningApi, type TestSystem } from '../support/system';
import { waitFor } from '../support/wait-for';

describe('live tail: heartbeats, limits, expiry and shutdown', function () {
  this.timeout(60_000);
  let system: TestSystem;
  let api: RunningApi;
  let tenantId: string;
  let token: string;

  before(async () => {
    system = await testSystem();
    api = await startApi({ ...system.config, stream: { ...system.config.stream, heartbeatIntervalMs: 150 } }, system.logger);
    tenantId = await createTenant(system);
    token = tokenFor(system, 'user', tenantId);
  });

  after(async () => {
    await api?.close();
  });

  it('sends heartbeats and pings at the configured interval', async () => {
    const client = await openStream(api.url, { token });
    let pings = 0;
    client.socket.on('ping', () => (pings += 1));
    try {
      await client.next('two heartbeats', () => client.messages.filter((message) => message.type === 'heartbeat').length >= 2);
      expect(pings).to.be.greaterThan(0);
      expect(client.messages.find((message) => message.type === 'heartbeat')).to.deep.equal({ type: 'heartbeat' });
    } finally {
      await client.close();
    }
  });

  it('disconnects a peer that stops answering pings', async () => {
    const client = await openStream(api.url, { token, clientOptions: { autoPong: false } });
    const closed = await client.closed;
    expect(closed.code).to.equal(1006);
    await waitFor('the slot to be released', () => api.liveTail.stats().connections === 0);
  });

  it('closes the socket with 1009 when the client sends a frame over the inbound limit', async () => {
    const client = await openStream(api.url, { token });
    client.socket.send('x'.repeat(MAX_INBOUND_FRAME_BYTES + 1));
    expect((await client.closed).code).to.equal(1009);
  });

  it('tolerates small client messages', async () => {
    const client = await openStream(api.url, { token });
    try {
      client.socket.send('hello');
      const id = (await system.api.http.post('/api/v1/logs', { token, body: validEvent() })).body.id as string;
      await client.logWithId(id);
    } finally {
      await client.close();
    }
  });

  it('closes the socket with 4001 when its token expires', async () => {
    const shortLived = signToken(system.config.jwt, { sub: 'brief', role: 'auditor', tenantId, ttlSeconds: 2 });
    const client = await openStream(api.url, { token: shortLived.token });
    expect(client.messages[0]).to.include({ type: 'subscribed', expires_at: shortLived.expiresAt.toISOString() });
    const closed = await client.closed;
    expect(closed).to.deep.equal({ code: 4001, reason: 'token expired' });
  });

  it('caps live-tail connections per tenant with 429', async () => {
    const capped = await startApi({ ...system.config, stream: { ...system.config.stream, maxConnectionsPerTenant: 2 } }, system.logger);
    try {
      const open = [await openStream(capped.url, { token }), await openStream(capped.url, { token })];
      const refused = await refusedStream(capped.url, { token });
      expect(refused.status).to.equal(429);
      expect(refused.headers['retry-after']).to.equal('30');
      const other = await openStream(capped.url, { token: tokenFor(system, 'user', await createTenant(system)) });
      await open[0]!.close();
      const again = await waitFor('a freed slot', () => openStream(capped.url, { token }).catch(() => undefined));
      await Promise.all([open[1]!.close(), other.close(), again.close()]);
    } finally {
      await capped.close();
    }
  });

  it('closes every socket with 1001 on shutdown', async () => {
    const closing = await startApi(system.config, system.logger);
    const client = await openStream(closing.url, { token });
    await closing.close();
    expect(await client.closed).to.deep.equal({ code: 1001, reason: 'server shutting down' });
  });
});
