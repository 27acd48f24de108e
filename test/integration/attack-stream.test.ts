import { expect } from 'chai';
import { CLOSE_CODES } from '../../features/live-tail/stream-connection';
import { MAX_INBOUND_FRAME_BYTES } from '../../api/stream/attach-log-stream';
import { createTenant, signClaims, tokenFor } from '../support/fixtures';
import { openStream, refusedStream, type Closed, type StreamClient } from '../support/stream-client';
import { startApi, testSystem, type RunningApi, type TestSystem } from '../support/system';

const ALLOWED = 'https://app.example.com';
const VIAS = ['header', 'query', 'protocol'] as const;

/** Origins a hostile page could send, none of which is the allowed one. */
const FOREIGN_ORIGINS = [
  'https://evil.example.net',
  'null',
  'http://app.example.com',
  'https://app.example.com:8443',
  'https://app.example.com.evil.net',
  'https://evil.app.example.com',
  'https://app.example.com.',
  'https://app.example.com@evil.example.net',
  // A homograph (Cyrillic а), as a browser sends it: in punycode.
  'https://xn--pp-6kc.example.com',
  `${ALLOWED} https://evil.example.net`,
  'file://',
  'chrome-extension://abcdefghijklmnop',
];

function closedWithin(client: StreamClient, ms: number): Promise<Closed> {
  return Promise.race([
    client.closed,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`the socket was still open after ${ms} ms`)), ms).unref()),
  ]);
}

describe('attack corpus: the live tail refuses foreign origins and expired tokens, and closes on oversize frames', function () {
  this.timeout(120_000);
  let system: TestSystem;
  let api: RunningApi;
  let tenantId: string;
  let token: string;
  const tally = { tried: 0, refusedOrClosed: 0 };
  const count = (refused: boolean) => {
    tally.tried += 1;
    if (refused) tally.refusedOrClosed += 1;
  };

  before(async () => {
    system = await testSystem();
    tenantId = await createTenant(system);
    token = tokenFor(system, 'auditor', tenantId);
    api = await startApi({ ...system.config, stream: { ...system.config.stream, allowedOrigins: [ALLOWED] } }, system.logger);
  });

  after(async () => {
    await api?.close();
    console.log(`      attack corpus (live tail): ${tally.tried} cases tried, ${tally.refusedOrClosed} refused before the upgrade or closed`);
  });

  it('opens for the allowed origin (the control)', async () => {
    const client = await openStream(api.url, { token, headers: { origin: ALLOWED } });
    await client.close();
  });

  it('refuses every foreign Origin with 403 before the upgrade, whichever way the token travels', async () => {
    const accepted: string[] = [];
    for (const origin of FOREIGN_ORIGINS) {
      for (const via of VIAS) {
        const refusal = await refusedStream(api.url, { token, via, headers: { origin }, protocols: via === 'protocol' ? ['audit-log.v1'] : [] }).catch(() => undefined);
        count(refusal?.status === 403);
        if (refusal?.status !== 403) accepted.push(`${origin} via ${via}: ${refusal?.status ?? 'opened'}`);
      }
    }
    const fromDefault = await refusedStream(system.api.url, { token, headers: { origin: ALLOWED } });
    count(fromDefault.status === 403);
    expect(fromDefault.status, 'a deployment that allows no origin').to.equal(403);
    expect(accepted).to.deep.equal([]);
  });

  it('refuses an expired token with 401, and closes a socket whose token expires with 4001', async () => {
    const claims = { role: 'auditor', tenant_id: tenantId, sub: 'late' };
    const expired = signClaims(system, { ...claims, exp: Math.floor(Date.now() / 1000) - 30 });
    for (const via of VIAS) {
      const refusal = await refusedStream(api.url, { token: expired, via, protocols: via === 'protocol' ? ['audit-log.v1'] : [] });
      count(refusal.status === 401);
      expect(refusal.status, via).to.equal(401);
    }
    const shortLived = signClaims(system, claims, { expiresIn: 2 });
    const client = await openStream(api.url, { token: shortLived });
    const closed = await closedWithin(client, 15_000);
    count(closed.code === CLOSE_CODES.tokenExpired);
    expect(closed.code).to.equal(CLOSE_CODES.tokenExpired);
  });

  it('closes with 1009 on a text or binary frame over the inbound limit, and keeps serving others', async () => {
    for (const frame of ['x'.repeat(MAX_INBOUND_FRAME_BYTES + 1), Buffer.alloc(64 * 1024, 1)]) {
      const client = await openStream(api.url, { token });
      client.socket.send(frame);
      const closed = await closedWithin(client, 15_000);
      count(closed.code === 1009);
      expect(closed.code).to.equal(1009);
    }
    const healthy = await openStream(api.url, { token });
    await healthy.close();
  });
});
