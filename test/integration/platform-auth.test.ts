import { expect } from 'chai';
import { createHmac, createPublicKey, generateKeyPairSync, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import jwt from 'jsonwebtoken';
import { loadConfig } from '../../platform/config/config';
import { createTenant, tokenFor } from '../support/fixtures';
import { startApi, testSystem, type RunningApi, type TestSystem } from '../support/system';

const ISSUER = 'https://idp.example.test';
const AUDIENCE = 'audit-log-api';

function rsaKeyPair() {
  return generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
}

const base64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** An HS256 token whose HMAC key is the RSA public key's text: the classic algorithm-confusion forgery. */
function hmacWithPublicKey(claims: object, publicKeyPem: string): string {
  const unsigned = `${base64url({ alg: 'HS256', typ: 'JWT' })}.${base64url(claims)}`;
  return `${unsigned}.${createHmac('sha256', publicKeyPem).update(unsigned).digest('base64url')}`;
}

/** A JWKS endpoint on a local port that counts how often it is asked. */
async function serveJwks(keys: object[]) {
  let requests = 0;
  const server: Server = createServer((req, res) => {
    requests += 1;
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ keys }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`,
    requests: () => requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

describe('platform: authentication options (HS256 default, RS256 by public key or JWKS)', function () {
  this.timeout(60_000);
  let system: TestSystem;
  let tenantId: string;
  const exp = () => Math.floor(Date.now() / 1000) + 600;
  /** 404 for a random event id means the token was accepted; 401 means it was not. */
  const probe = (api: RunningApi, token: string) => api.http.get(`/api/v1/logs/${randomUUID()}`, { token });

  before(async () => {
    system = await testSystem();
    tenantId = await createTenant(system);
  });

  it('the default HS256 deployment refuses an RS256 token, however validly signed', async () => {
    const { privateKey } = rsaKeyPair();
    const token = jwt.sign({ role: 'user', tenant_id: tenantId, sub: 'x' }, privateKey, { algorithm: 'RS256', expiresIn: 600 });
    expect((await probe(system.api, token)).status).to.equal(401);
    expect((await probe(system.api, tokenFor(system, 'user', tenantId))).status).to.equal(404);
  });

  describe('RS256 with a configured public key, issuer and audience', () => {
    const keys = rsaKeyPair();
    let api: RunningApi;
    const sign = (claims: object, options: jwt.SignOptions = {}, key = keys.privateKey) =>
      jwt.sign({ role: 'user', tenant_id: tenantId, sub: 'svc', ...claims }, key, { algorithm: 'RS256', issuer: ISSUER, audience: AUDIENCE, ...options });

    before(async () => {
      const config = loadConfig({ ...process.env, JWT_ALGORITHM: 'RS256', JWT_PUBLIC_KEY: keys.publicKey, JWT_PRIVATE_KEY: keys.privateKey, JWT_ISSUER: ISSUER, JWT_AUDIENCE: AUDIENCE });
      api = await startApi(config, system.logger);
    });
    after(() => api?.close());

    it('accepts a token signed by the matching private key with the right issuer and audience', async () => {
      expect((await probe(api, sign({ exp: exp() }))).status).to.equal(404);
    });

    it('refuses forgeries and tokens that break a configured rule, each with 401 problem+json', async () => {
      const other = rsaKeyPair();
      const claims = { role: 'user', tenant_id: tenantId, sub: 'svc', iss: ISSUER, aud: AUDIENCE, exp: exp() };
      const refused: Record<string, string> = {
        'HS256 keyed with the public key': hmacWithPublicKey(claims, keys.publicKey),
        'signed by another key': sign({ exp: exp() }, {}, other.privateKey),
        'alg none': `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(claims)}.`,
        'wrong issuer': sign({ exp: exp() }, { issuer: 'https://evil.example.test' }),
        'wrong audience': sign({ exp: exp() }, { audience: 'another-api' }),
        'no audience': jwt.sign({ role: 'user', tenant_id: tenantId, sub: 'svc', exp: exp() }, keys.privateKey, { algorithm: 'RS256', issuer: ISSUER }),
        'no exp': sign({}),
        expired: sign({ exp: Math.floor(Date.now() / 1000) - 5 }),
        'unknown tenant': sign({ exp: exp(), tenant_id: randomUUID() }),
        'user without tenant': sign({ exp: exp(), tenant_id: undefined }),
      };
      for (const [name, token] of Object.entries(refused)) {
        const response = await probe(api, token);
        expect(response.status, name).to.equal(401);
        expect(response.headers.get('content-type'), name).to.match(/^application\/problem\+json/);
        expect(response.headers.get('www-authenticate'), name).to.equal('Bearer');
      }
    });

    it('mints RS256 tokens through the API that the same deployment accepts', async () => {
      const admin = sign({ role: 'admin', tenant_id: undefined, exp: exp() });
      const minted = await api.http.post(`/api/v1/tenants/${tenantId}/tokens`, { token: admin, body: { sub: 'svc-rs', role: 'auditor', ttl_seconds: 120 } });
      expect(minted.status, minted.text).to.equal(201);
      const decoded = jwt.decode(minted.body.token, { complete: true });
      expect(decoded?.header.alg).to.equal('RS256');
      expect(decoded?.payload).to.include({ iss: ISSUER, aud: AUDIENCE, tenant_id: tenantId, role: 'auditor' });
      expect((await probe(api, minted.body.token)).status).to.equal(404);
    });
  });

  describe('RS256 with keys from a JWKS endpoint', () => {
    const first = rsaKeyPair();
    const second = rsaKeyPair();
    const jwk = (publicKey: string, kid: string) => ({ ...createPublicKey(publicKey).export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' });
    let jwks: Awaited<ReturnType<typeof serveJwks>>;
    let api: RunningApi;
    const sign = (kid: string | undefined, key: string) =>
      jwt.sign({ role: 'user', tenant_id: tenantId, sub: 'svc' }, key, { algorithm: 'RS256', expiresIn: 600, issuer: ISSUER, audience: AUDIENCE, ...(kid ? { keyid: kid } : {}) });

    before(async () => {
      jwks = await serveJwks([jwk(first.publicKey, 'key-1'), jwk(second.publicKey, 'key-2')]);
      const config = loadConfig({ ...process.env, JWT_ALGORITHM: 'RS256', JWKS_URI: jwks.url, JWT_PRIVATE_KEY: first.privateKey, JWT_KEY_ID: 'key-1', JWT_ISSUER: ISSUER, JWT_AUDIENCE: AUDIENCE });
      api = await startApi(config, system.logger);
    });
    after(async () => {
      await api?.close();
      await jwks?.close().catch(() => undefined);
    });

    it('verifies each token with the published key its kid names, and caches the keys', async () => {
      expect((await probe(api, sign('key-1', first.privateKey))).status).to.equal(404);
      expect((await probe(api, sign('key-2', second.privateKey))).status).to.equal(404);
      const fetched = jwks.requests();
      for (let i = 0; i < 5; i += 1) expect((await probe(api, sign('key-1', first.privateKey))).status).to.equal(404);
      expect(jwks.requests()).to.equal(fetched);
    });

    it('refuses a kid that is not published, a kid whose key did not sign, and a missing kid among several keys', async () => {
      expect((await probe(api, sign('key-9', first.privateKey))).status).to.equal(401);
      expect((await probe(api, sign('key-2', first.privateKey))).status).to.equal(401);
      expect((await probe(api, sign(undefined, first.privateKey))).status).to.equal(401);
    });

    it('mints tokens carrying its kid, which verify through the JWKS', async () => {
      const admin = jwt.sign({ role: 'admin', sub: 'ops' }, first.privateKey, { algorithm: 'RS256', expiresIn: 600, keyid: 'key-1', issuer: ISSUER, audience: AUDIENCE });
      const minted = await api.http.post(`/api/v1/tenants/${tenantId}/tokens`, { token: admin, body: { sub: 'svc-jwks', role: 'user' } });
      expect(minted.status, minted.text).to.equal(201);
      expect(jwt.decode(minted.body.token, { complete: true })?.header.kid).to.equal('key-1');
      expect((await probe(api, minted.body.token)).status).to.equal(404);
    });

    it('while the JWKS endpoint is down: cached keys still verify; an uncached kid gets 503, not 401', async () => {
      await jwks.close();
      expect((await probe(api, sign('key-1', first.privateKey))).status).to.equal(404);
      const unknown = await probe(api, sign('key-3', first.privateKey));
      expect(unknown.status, unknown.text).to.equal(503);
      expect(unknown.headers.get('content-type')).to.match(/^application\/problem\+json/);
    });
  });
});
