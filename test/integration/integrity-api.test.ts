import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { tenantsRepository } from '../../adapters/postgres/tenants-repository';
import { createTenant, tokenFor, validEvent } from '../support/fixtures';
import { checkSignedCheckpoint, consistencyHolds, inclusionHolds, leafHashOf } from '../support/independent-verifier';
import { ingestEvents, logCount, verifyOverHttp, waitForSealed } from '../support/integrity';
import { seedLogs } from '../support/seed-logs';
import { testSystem, type TestSystem } from '../support/system';
import { waitFor } from '../support/wait-for';

const b64 = (text: string) => Buffer.from(text, 'base64');

describe('integrity: keys, checkpoints and proofs over HTTP, checked by an independent verifier', function () {
  this.timeout(240_000);
  let system: TestSystem;
  let tenantId: string;
  let ids: string[];
  /** An admin's: an auditor's reads would each add an audit_log.viewed event to the log under test. */
  let reader: string;
  let jwks: any;

  before(async () => {
    system = await testSystem();
    // Two reads per event (its proof and the event) would pass the default 100 requests/s on a quick machine.
    tenantId = (await tenantsRepository(system.appPool).create({ id: randomUUID(), name: `integrity-api-${randomUUID()}`, rateLimit: { perSecond: 10_000, burst: 20_000 } })).id;
    reader = tokenFor(system, 'admin', tenantId);
    // Two rounds, each sealed before the next, so the tenant has at least two checkpoints.
    ids = await ingestEvents(system, tenantId, 37, 'first');
    await waitForSealed(system, tenantId, 37);
    ids.push(...(await ingestEvents(system, tenantId, 300, 'second')));
    await waitForSealed(system, tenantId, 337);
    const wellKnown = await system.api.http.get('/.well-known/audit-log-keys.json');
    expect(wellKnown.status).to.equal(200);
    jwks = wellKnown.body;
  });

  it('publishes the Ed25519 JWKS to any token and without one, and never a private member', async () => {
    const keys = await system.api.http.get('/api/v1/integrity/keys', { token: tokenFor(system, 'user', tenantId) });
    expect(keys.status).to.equal(200);
    expect(keys.body).to.deep.equal(jwks);
    expect(jwks.keys).to.have.length.at.least(1);
    for (const key of jwks.keys) {
      expect(key).to.include({ kty: 'OKP', crv: 'Ed25519', use: 'sig' });
      expect(key).to.have.property('kid').that.is.a('string');
      expect(key).to.not.have.property('d');
    }
    expect((await system.api.http.get('/api/v1/integrity/keys')).status).to.equal(401);
  });

  it('proves every event against a checkpoint signed by a published key, as GET /logs/{id} shows it', async () => {
    const seqs = new Set<number>();
    for (const id of ids) {
      const proof = await system.api.http.get(`/api/v1/logs/${id}/proof`, { token: reader });
      expect(proof.status, proof.text).to.equal(200);
      const { event, seq, leaf_hash, checkpoint, inclusion } = proof.body;
      const shown = await system.api.http.get(`/api/v1/logs/${id}`, { token: reader });
      expect(shown.body).to.deep.equal(event);
      expect(event.seq).to.equal(seq);
      seqs.add(seq);
      expect(leafHashOf(shown.body).equals(b64(leaf_hash))).to.equal(true);
      const signed = checkSignedCheckpoint(checkpoint.note, checkpoint.key_id, jwks);
      expect(signed, 'the checkpoint note verifies with the JWKS alone').to.not.equal(undefined);
      expect(signed?.size).to.equal(inclusion.tree_size);
      expect(signed?.origin.endsWith(`/tenants/${tenantId}`)).to.equal(true);
      expect(inclusion.leaf_index).to.equal(seq - 1);
      expect(inclusionHolds(leafHashOf(shown.body), inclusion.leaf_index, inclusion.tree_size, inclusion.hashes.map(b64), signed?.root as Buffer)).to.equal(true);
      const tamperedEvent = { ...shown.body, message: `${shown.body.message}!` };
      expect(inclusionHolds(leafHashOf(tamperedEvent), inclusion.leaf_index, inclusion.tree_size, inclusion.hashes.map(b64), signed?.root as Buffer)).to.equal(false);
    }
    expect([...seqs].sort((a, b) => a - b)).to.deep.equal(Array.from({ length: ids.length }, (_, i) => i + 1));
  });

  it('shows seq in search results and in NDJSON and CSV exports', async () => {
    await system.opensearch.indices.refresh({ index: system.config.opensearch.index });
    const seqOf = new Map<string, number>();
    for (const id of ids.slice(0, 5)) seqOf.set(id, (await system.api.http.get(`/api/v1/logs/${id}`, { token: reader })).body.seq);
    const found = await waitFor('the events in search', async () => {
      const page = await system.api.http.get('/api/v1/logs?page_size=100', { token: reader });
      return page.body.items?.length === 100 && page.body.items;
    });
    for (const item of found) expect(item.seq).to.be.a('number');
    const exported = await system.api.http.get('/api/v1/logs/export?format=ndjson', { token: reader });
    const lines = exported.text.trim().split('\n').map((line) => JSON.parse(line));
    expect(lines).to.have.length(ids.length);
    for (const line of lines) if (seqOf.has(line.id)) expect(line.seq).to.equal(seqOf.get(line.id));
    expect(new Set(lines.map((line) => line.seq)).size).to.equal(ids.length);
    const csv = await system.api.http.get('/api/v1/logs/export?format=csv', { token: reader });
    expect(csv.text.split('\n')[0]?.trim().endsWith(',seq')).to.equal(true);
  });

  it('proves each signed checkpoint consistent with every later one', async () => {
    const list = await system.api.http.get('/api/v1/integrity/checkpoints?page_size=100', { token: reader });
    expect(list.status).to.equal(200);
    const checkpoints = list.body.items as any[];
    expect(checkpoints.length).to.be.at.least(2);
    expect(list.body.total).to.equal(checkpoints.length);
    const sizes = checkpoints.map((checkpoint) => checkpoint.tree_size);
    expect(sizes).to.deep.equal([...sizes].sort((a, b) => b - a));
    const latest = await system.api.http.get('/api/v1/integrity/checkpoints/latest', { token: reader });
    expect(latest.body).to.deep.equal(checkpoints[0]);
    const roots = new Map(checkpoints.map((checkpoint) => [checkpoint.tree_size, checkpointRoot(checkpoint)]));
    for (const first of sizes) {
      for (const second of sizes.filter((size) => size >= first)) {
        const proof = await system.api.http.get(`/api/v1/integrity/consistency?first=${first}&second=${second}`, { token: reader });
        expect(proof.status, proof.text).to.equal(200);
        expect(consistencyHolds(first, second, roots.get(first) as Buffer, roots.get(second) as Buffer, proof.body.hashes.map(b64))).to.equal(true);
      }
    }
    const unknown = await system.api.http.get(`/api/v1/integrity/consistency?first=1&second=${sizes[0]}`, { token: reader });
    expect(sizes.includes(1) ? 200 : 404).to.equal(unknown.status);
    const backwards = await system.api.http.get(`/api/v1/integrity/consistency?first=${sizes[0]}&second=1`, { token: reader });
    expect(backwards.status).to.equal(422);
    for (const query of ['first=1e20&second=1e21', 'first=0&second=1', 'first=a&second=2', 'second=2']) {
      const refused = await system.api.http.get(`/api/v1/integrity/consistency?${query}`, { token: reader });
      expect([400, 422], `${query}: ${refused.text}`).to.include(refused.status);
    }
    expect(backwards.headers.get('content-type')).to.contain('application/problem+json');
  });

  function checkpointRoot(checkpoint: any): Buffer {
    const signed = checkSignedCheckpoint(checkpoint.note, checkpoint.key_id, jwks);
    expect(signed, `checkpoint ${checkpoint.tree_size} verifies`).to.not.equal(undefined);
    expect(signed?.size).to.equal(checkpoint.tree_size);
    return signed?.root as Buffer;
  }

  it('answers 409 with Retry-After for an event not sealed yet, shows its seq as null, and keeps proofs to admins and auditors', async () => {
    const other = await createTenant(system);
    const [unsealed] = await seedLogs(system, other, [validEvent()], { index: false });
    const proof = await system.api.http.get(`/api/v1/logs/${unsealed?.id}/proof`, { token: tokenFor(system, 'auditor', other) });
    expect(proof.status).to.equal(409);
    expect(proof.headers.get('retry-after')).to.match(/^\d+$/);
    expect(proof.headers.get('content-type')).to.contain('application/problem+json');
    const shown = await system.api.http.get(`/api/v1/logs/${unsealed?.id}`, { token: tokenFor(system, 'auditor', other) });
    expect(shown.body.seq).to.equal(null);
    expect((await system.api.http.get(`/api/v1/logs/${ids[0]}/proof`, { token: tokenFor(system, 'user', tenantId) })).status).to.equal(403);
    expect((await system.api.http.get(`/api/v1/logs/${ids[0]}/proof`, { token: tokenFor(system, 'auditor', other) })).status).to.equal(404);
    expect((await system.api.http.get('/api/v1/integrity/checkpoints/latest', { token: tokenFor(system, 'auditor', other) })).status).to.equal(404);
    expect((await system.api.http.post('/api/v1/integrity/verify', { token: tokenFor(system, 'user', tenantId), body: {} })).status).to.equal(403);
  });

  it('verifies untouched logs of several tenants with no problem', async () => {
    const others = [await createTenant(system), await createTenant(system)];
    for (const [index, other] of others.entries()) {
      await ingestEvents(system, other, 20 + index * 30, `other ${index}`);
      await waitForSealed(system, other, await logCount(system, other));
    }
    for (const each of [tenantId, ...others]) {
      const result = await verifyOverHttp(system, each);
      expect(result.problems).to.deep.equal([]);
      expect(result.problems_count).to.equal(0);
      expect(result.problems_by_kind).to.deep.equal({});
      expect(result.ok).to.equal(true);
      expect(result.events_checked).to.equal(await logCount(system, each));
      expect(result.checkpoints_checked).to.be.at.least(1);
    }
    const ranged = await verifyOverHttp(system, tenantId, { start_time: '2000-01-01T00:00:00Z', end_time: '2001-01-01T00:00:00Z' });
    expect(ranged).to.include({ ok: true, events_checked: 0 });
  });
});
