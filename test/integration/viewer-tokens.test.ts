import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { tokenFor, validEvent } from '../support/fixtures';
import { openStream } from '../support/stream-client';
import { documentIds } from '../support/search-documents';
import { testSystem, type TestSystem } from '../support/system';
import { expectProblem, FIXED, ndjsonIds, VIEWER_SUB, viewerFixture, type ViewerFixture } from '../support/viewer-fixture';
import { waitFor } from '../support/wait-for';

/**
 * Viewer tokens against the real stack: whatever a viewer asks, through whichever read, it sees
 * only the events inside its fixed filters, in its own tenant only, and it cannot write or reach
 * tasks, proofs or tokens. (The records its reads leave: audited-reads.test.ts.)
 */
describe('viewer tokens', function () {
  this.timeout(180_000);
  let system: TestSystem;
  let f: ViewerFixture;

  before(async () => {
    system = await testSystem();
    f = await viewerFixture(system);
  });

  after(() => f?.closeStreams());

  describe('minting', () => {
    it('refuses a viewer ttl over an hour, filters on other roles and unknown or empty filter fields, naming each', async () => {
      const cases: [Record<string, unknown>, string[]][] = [
        [{ sub: 'v', role: 'viewer', ttl_seconds: 3601 }, ['/ttl_seconds']],
        [{ sub: 'v', role: 'user', ttl_seconds: 600, filters: { user_id: 'alice' } }, ['/filters']],
        [{ sub: 'v', role: 'viewer', ttl_seconds: 600, filters: { email: 'a@example.com', user_id: '' } }, ['/filters/email', '/filters/user_id']],
        [{ sub: 'v', role: 'viewer', ttl_seconds: 600, filters: { resource: 7 } }, ['/filters/resource']],
      ];
      for (const [body, paths] of cases) {
        const response = await f.mint(f.tenantA, body);
        expectProblem(response, 422, JSON.stringify(body));
        expect(response.body.errors.map((error: { path: string }) => error.path), JSON.stringify(body)).to.include.members(paths);
      }
    });

    it('lists viewer tokens with their filters, and revokes them like any other', async () => {
      const listed = await f.http().get(`/api/v1/tenants/${f.tenantA}/tokens`, { token: f.admin });
      expect(listed.status, listed.text).to.equal(200);
      expect(listed.body.items.find((item: { token_id: string }) => item.token_id === f.viewerTokenId)).to.include({ role: 'viewer', sub: VIEWER_SUB }).and.to.deep.include({ filters: FIXED });

      const spare = await f.mint(f.tenantA, { sub: 'viewer-spare', role: 'viewer', ttl_seconds: 60 });
      expect(spare.status, spare.text).to.equal(201);
      expect((await f.get(`/api/v1/logs/${f.inside[0]}`, spare.body.token)).status).to.equal(200);
      const revoked = await f.http().request('DELETE', `/api/v1/tenants/${f.tenantA}/tokens/${spare.body.token_id}`, { token: f.admin });
      expect(revoked.status, revoked.text).to.equal(204);
      await waitFor('the revoked viewer token to be refused', async () => (await f.get(`/api/v1/logs/${f.inside[0]}`, spare.body.token)).status === 401, { timeoutMs: 5_000, intervalMs: 50 });
    });
  });

  describe('every read stays inside the fixed filters', () => {
    it('search returns only events inside them; request filters narrow but never widen', async () => {
      const all = await f.get('/api/v1/logs?page_size=100');
      expect(all.status, all.text).to.equal(200);
      expect(all.body.items.map((item: { id: string }) => item.id)).to.have.members(f.inside);

      const narrowed = await f.get('/api/v1/logs?action=invoice.paid');
      expect(narrowed.body.items.map((item: { id: string }) => item.id)).to.deep.equal([f.inside[0]]);

      for (const conflicting of ['user_id=bob', 'resource=order', 'user_id=bob&resource=order', `tenant_id=${f.tenantB}&user_id=bob`]) {
        const response = await f.get(`/api/v1/logs?${conflicting}`);
        expect(response.status, response.text).to.equal(200);
        expect(response.body.total, conflicting).to.equal(0);
        expect(response.body.items, conflicting).to.deep.equal([]);
      }
    });

    it('a cursor, even one minted for a wider token, pages only inside the filters', async () => {
      const first = await f.get('/api/v1/logs?page_size=1');
      expect(first.body.next_cursor).to.be.a('string');
      const second = await f.get(`/api/v1/logs?cursor=${encodeURIComponent(first.body.next_cursor)}`);
      expect(second.status, second.text).to.equal(200);
      expect([...first.body.items, ...second.body.items].map((item: { id: string }) => item.id)).to.have.members(f.inside);
      expect(second.body.next_cursor).to.equal(null);

      const wide = await f.get('/api/v1/logs?page_size=1', f.user);
      let cursor: string | null = wide.body.next_cursor;
      const seen: string[] = [];
      while (cursor) {
        const page = await f.get(`/api/v1/logs?cursor=${encodeURIComponent(cursor)}`);
        expect(page.status, page.text).to.equal(200);
        seen.push(...page.body.items.map((item: { id: string }) => item.id));
        cursor = page.body.next_cursor;
      }
      expect(seen.filter((id) => !f.inside.includes(id)), 'events outside the filters through a foreign cursor').to.deep.equal([]);
    });

    it('GET /logs/{id} answers 404 outside the filters, exactly like a missing event', async () => {
      for (const id of f.inside) expect((await f.get(`/api/v1/logs/${id}`)).status).to.equal(200);
      const missing = await f.get(`/api/v1/logs/${randomUUID()}`);
      for (const id of [...f.outside, ...f.foreign]) {
        const response = await f.get(`/api/v1/logs/${id}`);
        expectProblem(response, 404, id);
        expect(response.body.detail).to.equal(missing.body.detail);
      }
    });

    it('stats count only events inside the filters, and nothing for a conflicting filter', async () => {
      const stats = await f.get('/api/v1/logs/stats?group_by=user_id');
      expect(stats.status, stats.text).to.equal(200);
      expect(stats.body.total).to.equal(f.inside.length);
      expect(stats.body.top).to.deep.equal([{ key: 'alice', count: f.inside.length }]);
      const conflicting = await f.get('/api/v1/logs/stats?user_id=bob');
      expect(conflicting.body.total).to.equal(0);
    });

    it('export streams only events inside the filters, and nothing for a conflicting filter', async () => {
      const exported = await f.get('/api/v1/logs/export?format=ndjson');
      expect(exported.status, exported.text).to.equal(200);
      expect(ndjsonIds(exported.text)).to.have.members(f.inside);
      const conflicting = await f.get('/api/v1/logs/export?format=ndjson&resource=order');
      expect(conflicting.status).to.equal(200);
      expect(ndjsonIds(conflicting.text)).to.deep.equal([]);
      const csv = await f.get(`/api/v1/logs/export?format=csv&tenant_id=${f.tenantB}`);
      for (const id of f.foreign) expect(csv.text).not.to.include(id);
      expect(csv.text.trim().split('\n')).to.have.length(f.inside.length + 1);
    });

    it('the live tail delivers only events inside the filters, also when asked for others', async () => {
      const viewerStream = await openStream(system.api.url, { token: f.viewer });
      const conflictingStream = await openStream(system.api.url, { token: f.viewer, query: { user_id: 'bob' } });
      const userStream = await openStream(system.api.url, { token: f.user });
      f.streams.push(viewerStream, conflictingStream, userStream);
      expect(viewerStream.messages[0]).to.deep.include({ type: 'subscribed' });
      expect(viewerStream.messages[0].filters).to.deep.equal(FIXED);

      const outsideNow = [
        await f.post(f.user, validEvent({ user_id: 'bob', resource: 'invoice' })),
        await f.post(f.user, validEvent({ user_id: 'alice', resource: 'order' })),
      ];
      f.foreign.push(await f.post(tokenFor(system, 'user', f.tenantB), validEvent({ ...FIXED })));
      const insideNow = await f.post(f.user, validEvent({ ...FIXED, action: 'invoice.voided' }));
      // The user's unfiltered stream proves every one of them was published before we look.
      for (const id of [...outsideNow, insideNow]) await userStream.logWithId(id);
      await viewerStream.logWithId(insideNow);
      expect(viewerStream.logs().map((event) => event.id)).to.deep.equal([insideNow]);
      expect(conflictingStream.logs()).to.deep.equal([]);
    });
  });

  describe('a viewer cannot write or reach tasks, proofs, integrity or tokens', () => {
    it('answers 403 problem+json', async () => {
      const refused: [string, string, unknown?][] = [
        ['POST', '/api/v1/logs', validEvent({ ...FIXED })],
        ['POST', '/api/v1/logs/bulk', { logs: [validEvent({ ...FIXED })] }],
        ['DELETE', `/api/v1/logs/cleanup?before_date=${new Date(Date.now() - 86_400_000).toISOString()}`],
        ['GET', '/api/v1/tasks'],
        ['GET', `/api/v1/tasks/${randomUUID()}`],
        ['POST', `/api/v1/tasks/${randomUUID()}/retry`],
        ['GET', `/api/v1/logs/${f.inside[0]}/proof`],
        ['GET', '/api/v1/integrity/checkpoints/latest'],
        ['POST', '/api/v1/integrity/verify', {}],
        ['POST', '/api/v1/exports', { format: 'ndjson' }],
        ['GET', `/api/v1/tenants/${f.tenantA}/tokens`],
        ['POST', `/api/v1/tenants/${f.tenantA}/tokens`, { sub: 'x', role: 'viewer', ttl_seconds: 60 }],
      ];
      for (const [method, path, body] of refused) {
        expectProblem(await f.http().request(method, path, { token: f.viewer, body }), 403, `${method} ${path}`);
      }
      const written = await system.ownerPool.query("SELECT count(*)::int AS n FROM logs WHERE tenant_id = $1 AND user_id = $2 AND action <> 'audit_log.viewed'", [f.tenantA, VIEWER_SUB]);
      expect(written.rows[0].n).to.equal(0);
    });
  });

  describe('across tenants', () => {
    it("a viewer of tenant B with the same filters sees nothing of A's", async () => {
      const minted = await f.mint(f.tenantB, { sub: VIEWER_SUB, role: 'viewer', ttl_seconds: 600, filters: FIXED });
      expect(minted.status, minted.text).to.equal(201);
      const other = minted.body.token;
      await waitFor("B's events to be searchable", async () => {
        const indexed = await documentIds(system, f.tenantB);
        return f.foreign.every((id) => indexed.has(id));
      }, { timeoutMs: 60_000, intervalMs: 250 });
      const searched = await f.get(`/api/v1/logs?tenant_id=${f.tenantA}&page_size=100`, other);
      expect(searched.body.items.map((item: { id: string }) => item.id)).to.have.members(f.foreign);
      for (const id of f.inside) expectProblem(await f.get(`/api/v1/logs/${id}`, other), 404, id);
      expect(ndjsonIds((await f.get('/api/v1/logs/export', other)).text)).to.have.members(f.foreign);
      expect((await f.get('/api/v1/logs/stats', other)).body.total).to.equal(f.foreign.length);
      const events = await system.ownerPool.query("SELECT tenant_id FROM logs WHERE action = 'audit_log.viewed' AND user_id = $1 AND tenant_id = ANY($2::uuid[]) GROUP BY tenant_id", [VIEWER_SUB, [f.tenantA, f.tenantB]]);
      expect(events.rows.map((row) => row.tenant_id)).to.have.members([f.tenantA, f.tenantB]);
    });
  });
});
