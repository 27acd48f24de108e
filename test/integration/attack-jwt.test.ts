import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { loadConfig } from '../../platform/config/config';
import { attackTokens, AUDIENCE, ISSUER, rsaKeyPair, validToken, type Target } from '../support/attack-tokens';
import { createTenant, validEvent } from '../support/fixtures';
import type { HttpResponse } from '../support/http-client';
import { openStream, refusedStream, type Refusal } from '../support/stream-client';
import { startApi, testSystem, type RunningApi, type TestSystem } from '../support/system';

/** The status, whether the answer was a problem+json document, and its body as text. */
type Answer = { status: number; problem: boolean; text: string };
type Probe = (api: RunningApi, token: string) => Promise<Answer>;

const PROBLEM = /^application\/problem\+json/;
const http = (response: Promise<HttpResponse>) => response.then((r) => ({ status: r.status, problem: PROBLEM.test(r.headers.get('content-type') ?? ''), text: r.text }));
const upgrade = (refusal: Promise<Refusal>) =>
  refusal.then((r) => ({ status: r.status, problem: PROBLEM.test(String(r.headers['content-type'])), text: JSON.stringify(r.body) }));
/** A refusal that names what the deployment expects tells a forger what to claim. */
const revealsExpectedClaims = (text: string) => text.includes(ISSUER) || text.includes(AUDIENCE);

/** Each authenticated surface a stolen or forged token could be tried on: REST reads, writes, admin routes and the live tail. */
function probes(tenantId: string): Record<string, Probe> {
  return {
    'GET /logs/{id}': (api, token) => http(api.http.get(`/api/v1/logs/${randomUUID()}`, { token })),
    'GET /logs': (api, token) => http(api.http.get('/api/v1/logs?q=login', { token })),
    'POST /logs': (api, token) => http(api.http.post('/api/v1/logs', { token, body: validEvent() })),
    'GET /tasks': (api, token) => http(api.http.get('/api/v1/tasks', { token })),
    'GET /tenants': (api, token) => http(api.http.get('/api/v1/tenants', { token })),
    'DELETE /logs/cleanup': (api, token) => http(api.http.request('DELETE', `/api/v1/logs/cleanup?before_date=2000-01-01T00:00:00Z&tenant_id=${tenantId}`, { token })),
    'WS /logs/stream (header)': (api, token) => upgrade(refusedStream(api.url, { token })),
    'WS /logs/stream (access_token)': (api, token) => upgrade(refusedStream(api.url, { token, via: 'query' })),
  };
}

describe('attack corpus: forged, tampered, expired and malformed JWTs are refused with 401 that names no expected issuer or audience', function () {
  this.timeout(180_000);
  let system: TestSystem;
  let tenantId: string;
  const tally = { tried: 0, rejected: 0, serverErrors: 0 };
  const deployments: { name: string; api: RunningApi; target: Target }[] = [];

  before(async () => {
    system = await testSystem();
    tenantId = await createTenant(system);
    const keys = rsaKeyPair();
    const rs256 = loadConfig({ ...process.env, JWT_ALGORITHM: 'RS256', JWT_PUBLIC_KEY: keys.publicKey, JWT_PRIVATE_KEY: keys.privateKey, JWT_ISSUER: ISSUER, JWT_AUDIENCE: AUDIENCE });
    const hs256 = loadConfig({ ...process.env, JWT_ISSUER: ISSUER, JWT_AUDIENCE: AUDIENCE });
    deployments.push(
      { name: 'RS256', api: await startApi(rs256, system.logger), target: { algorithm: 'RS256', signKey: keys.privateKey, publicKey: keys.publicKey, tenantId } },
      { name: 'HS256', api: await startApi(hs256, system.logger), target: { algorithm: 'HS256', signKey: hs256.jwt.signKey as string, tenantId } },
    );
  });

  after(async () => {
    await Promise.all(deployments.map(({ api }) => api.close()));
    console.log(`      attack corpus (JWT): ${tally.tried} cases tried, ${tally.rejected} rejected with 401, ${tally.serverErrors} 5xx`);
  });

  for (const name of ['RS256', 'HS256']) {
    describe(`a deployment configured for ${name} with issuer and audience`, () => {
      const deployment = () => deployments.find((d) => d.name === name) as (typeof deployments)[number];

      it('accepts its own valid tokens on every probe (the control that shows a refusal means something)', async () => {
        const { api, target } = deployment();
        const user = validToken(target);
        expect((await probes(tenantId)['GET /logs/{id}']?.(api, user))?.status).to.equal(404);
        expect((await api.http.get('/api/v1/logs?q=login', { token: user })).status).to.equal(200);
        expect((await api.http.get('/api/v1/tenants', { token: validToken(target, { role: 'admin', tenant_id: undefined }) })).status).to.equal(200);
        const stream = await openStream(api.url, { token: user });
        await stream.close();
      });

      it('refuses every attack token on every probe with 401 problem+json revealing neither issuer nor audience, never 5xx', async () => {
        const { api, target } = deployment();
        const failures: string[] = [];
        for (const [attack, token] of Object.entries(attackTokens(target))) {
          for (const [probeName, probe] of Object.entries(probes(tenantId))) {
            const answered = await probe(api, token);
            tally.tried += 1;
            if (answered.status === 401 && answered.problem && !revealsExpectedClaims(answered.text)) tally.rejected += 1;
            else failures.push(`${attack} on ${probeName}: ${answered.status}${answered.problem ? '' : ' (not problem+json)'} ${answered.text}`);
            if (answered.status >= 500) tally.serverErrors += 1;
          }
        }
        expect(failures).to.deep.equal([]);
      });

      it('answers a wrong or missing issuer or audience with one generic detail, on REST and on the live tail', async () => {
        const { api, target } = deployment();
        const tokens = attackTokens(target);
        const details = new Set<string>();
        for (const attack of ['wrong issuer', 'wrong audience', 'audience list without ours', 'no issuer', 'no audience']) {
          const rest = await api.http.get('/api/v1/logs', { token: tokens[attack] });
          const stream = await refusedStream(api.url, { token: tokens[attack] });
          expect([rest.status, stream.status], attack).to.deep.equal([401, 401]);
          details.add(rest.body.detail as string).add(stream.body.detail as string);
        }
        expect([...details]).to.have.length(1);
        expect(revealsExpectedClaims([...details].join())).to.equal(false);
      });

      it('does not take a valid token from the query string of a REST request', async () => {
        const { api, target } = deployment();
        const response = await api.http.get(`/api/v1/logs?access_token=${validToken(target)}`);
        tally.tried += 1;
        expect(response.status).to.equal(401);
        tally.rejected += 1;
        expect(response.headers.get('content-type')).to.match(/^application\/problem\+json/);
        expect(response.headers.get('www-authenticate')).to.equal('Bearer');
      });
    });
  }
});
