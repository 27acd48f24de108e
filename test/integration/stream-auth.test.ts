import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { WebSocket } from 'ws';
import { startApi, testSystem, type RunningApi, type TestSystem } from '../support/system';
import { createTenant, forgedToken, signClaims, tokenFor } from '../support/fixtures';
import { openStream, refusedStream, type Refusal } from '../support/stream-client';

function expectProblem(refusal: Refusal, status: number): void {
  expect(refusal.status).to.equal(status);
  expect(refusal.headers['content-type']).to.match(/^application\/problem\+json/);
  expect(refusal.body).to.include({ status });
  expect(refusal.body.request_id).to.be.a('string').and.equal(refusal.headers['x-request-id']);
}

describe('live tail: authentication and refusals before the upgrade', function () {
  this.timeout(60_000);
  let system: TestSystem;
  let tenantId: string;
  let token: string;
  let withOrigins: RunningApi;

  before(async () => {
    system = await testSystem();
    tenantId = await createTenant(system);
    token = tokenFor(system, 'user', tenantId);
    const config = { ...system.config, stream: { ...system.config.stream, allowedOrigins: ['https://app.example.com'] } };
    withOrigins = await startApi(config, system.logger);
  });

  after(async () => {
    await withOrigins?.close();
  });

  it('subscribes with the Authorization header', async () => {
    const client = await openStream(system.api.url, { token });
    expect(client.messages[0]).to.include({ type: 'subscribed', tenant_id: tenantId });
    expect(client.socket.protocol).to.equal('');
    await client.close();
  });

  it('subscribes with the bearer subprotocol and echoes only audit-log.v1', async () => {
    const client = await openStream(system.api.url, { token, via: 'protocol', protocols: ['audit-log.v1'] });
    expect(client.socket.protocol).to.equal('audit-log.v1');
    await client.close();
  });

  it('subscribes with the access_token query parameter', async () => {
    const client = await openStream(system.api.url, { token, via: 'query' });
    expect(client.messages[0]).to.include({ type: 'subscribed', tenant_id: tenantId });
    await client.close();
  });

  it('lets an auditor subscribe, and an admin subscribe to a tenant named by tenant_id', async () => {
    const auditor = await openStream(system.api.url, { token: tokenFor(system, 'auditor', tenantId) });
    const admin = await openStream(system.api.url, { token: tokenFor(system, 'admin'), query: { tenant_id: tenantId } });
    expect(admin.messages[0]).to.include({ type: 'subscribed', tenant_id: tenantId });
    await Promise.all([auditor.close(), admin.close()]);
  });

  it('refuses a request without a token with 401 problem+json', async () => {
    const refusal = await refusedStream(system.api.url);
    expectProblem(refusal, 401);
    expect(refusal.headers['www-authenticate']).to.equal('Bearer');
  });

  it('refuses expired, forged and unknown-tenant tokens with 401', async () => {
    const expired = signClaims(system, { role: 'user', tenant_id: tenantId, sub: 'late', exp: Math.floor(Date.now() / 1000) - 60 });
    for (const [name, bad] of [
      ['expired', expired],
      ['forged', forgedToken(tenantId)],
      ['unknown tenant', tokenFor(system, 'user', randomUUID())],
      ['not a JWT', 'not-a-token'],
    ] as const) {
      for (const via of ['header', 'protocol', 'query'] as const) {
        const refusal = await refusedStream(system.api.url, { token: bad, via, protocols: via === 'protocol' ? ['audit-log.v1'] : [] });
        expect(refusal.status, `${name} via ${via}`).to.equal(401);
        expectProblem(refusal, 401);
      }
    }
  });

  it('refuses a platform admin without tenant_id (400) or with an unknown tenant (404)', async () => {
    const admin = tokenFor(system, 'admin');
    const missing = await refusedStream(system.api.url, { token: admin });
    expectProblem(missing, 400);
    expect(missing.body.errors).to.deep.equal([{ path: '/tenant_id', message: 'is required' }]);
    expectProblem(await refusedStream(system.api.url, { token: admin, query: { tenant_id: randomUUID() } }), 404);
  });

  it('refuses subprotocols that do not include audit-log.v1 (400)', async () => {
    expectProblem(await refusedStream(system.api.url, { token, via: 'protocol', protocols: ['chat'] }), 400);
  });

  it('refuses a browser Origin that is not allowed with 403, before looking at the token', async () => {
    expectProblem(await refusedStream(withOrigins.url, { token, headers: { origin: 'https://evil.example.net' } }), 403);
    expectProblem(await refusedStream(system.api.url, { token, headers: { origin: 'https://app.example.com' } }), 403);
    expectProblem(await refusedStream(withOrigins.url, { headers: { origin: 'null' } }), 403);
  });

  it('accepts an allowed Origin, compared in canonical form', async () => {
    const client = await openStream(withOrigins.url, { token, via: 'protocol', protocols: ['audit-log.v1'], headers: { origin: 'HTTPS://APP.example.com:443' } });
    expect(client.socket.protocol).to.equal('audit-log.v1');
    await client.close();
  });

  it("accepts a page of the service's own host (the web console) without listing it, and no other port or host", async () => {
    const own = new URL(system.api.url);
    const client = await openStream(system.api.url, { token, via: 'protocol', protocols: ['audit-log.v1'], headers: { origin: own.origin } });
    await client.close();
    const otherPort = `http://${own.hostname}:${Number(own.port) + 1}`;
    expectProblem(await refusedStream(system.api.url, { token, headers: { origin: otherPort } }), 403);
    expectProblem(await refusedStream(system.api.url, { token, headers: { origin: `http://localhost:${own.port}` } }), 403);
  });

  it('refuses unknown query parameters (400) and invalid filters (422), naming each', async () => {
    const unknown = await refusedStream(system.api.url, { token, query: { q: 'login', colour: 'red' } });
    expectProblem(unknown, 400);
    expect(unknown.body.errors.map((e: { path: string }) => e.path)).to.have.members(['/q', '/colour']);
    const invalid = await refusedStream(system.api.url, { token, query: { severity: 'INFO,LOUD', ip_address: '300.1.1.1', action: '' } });
    expectProblem(invalid, 422);
    expect(invalid.body.errors.map((e: { path: string }) => e.path)).to.include.members(['/severity', '/action']);
  });

  it('echoes a sane X-Request-Id on a refusal', async () => {
    const refusal = await refusedStream(system.api.url, { headers: { 'x-request-id': 'trace-123' } });
    expect(refusal.headers['x-request-id']).to.equal('trace-123');
    expect(refusal.body.request_id).to.equal('trace-123');
  });

  it('answers a plain GET of the stream path with 426, and an upgrade elsewhere with 404', async () => {
    const plain = await system.api.http.get('/api/v1/logs/stream', { token });
    expect(plain.status).to.equal(426);
    expect(plain.headers.get('upgrade')).to.equal('websocket');
    expect(plain.headers.get('content-type')).to.match(/^application\/problem\+json/);

    const elsewhere = await new Promise<number>((resolve, reject) => {
      const url = `${system.api.url.replace(/^http/, 'ws')}/api/v1/logs`;
      const socket = new WebSocket(url, { headers: { authorization: `Bearer ${token}` } });
      socket.once('unexpected-response', (_req, res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      socket.once('open', () => reject(new Error('upgraded')));
      socket.once('error', () => undefined);
    });
    expect(elsewhere).to.equal(404);
  });
});
