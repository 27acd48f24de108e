import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { tenantsRepository } from '../../adapters/postgres/tenants-repository';
import { tokenFor, validEvent } from '../support/fixtures';
import type { HttpResponse } from '../support/http-client';
import { openStream, refusedStream, type StreamClient } from '../support/stream-client';
import { documentIds } from '../support/search-documents';
import { testSystem, type TestSystem } from '../support/system';
import { waitFor } from '../support/wait-for';

const VIEWER_SUB = 'viewer-carol';
const FIXED = { user_id: 'alice', resource: 'invoice' };

function expectProblem(response: HttpResponse, status: number, what: string) {
  expect(response.status, `${what}: ${response.text}`).to.equal(status);
  expect(response.headers.get('content-type'), what).to.match(/^application\/problem\+json/);
}

const ndjsonIds = (text: string) =>
  text
    .split('\n')
    .filter(Boolean)
    .map((line) => (JSON.parse(line) as { id: string }).id);

/**
 * Viewer tokens against the real stack: whatever a viewer asks, through whichever read, it sees
 * only the events inside its fixed filters; it cannot write or reach tasks, proofs or tokens; and
 * every read by a viewer or auditor leaves exactly one audit_log.viewed event, counted in
 * PostgreSQL itself (the owner role, beside the service).
 */
describe('viewer tokens and audited reads', function () {
  this.timeout(180_000);
  let system: TestSystem;
  let admin: string;
  let tenantA: string;
  let tenantB: string;
  let user: string;
  let auditor: string;
  let viewer: string;
  let viewerTokenId: string;
  const inside: string[] = [];
  const outside: string[] = [];
  /** Tenant B's events inside the same filters. */
  const foreign: string[] = [];
  const streams: StreamClient[] = [];

  const http = () => system.api.http;
  const get = (path: string, token = viewer) => http().get(path, { token });
  const post = async (token: string, event: Record<string, unknown>) => {
    const response = await http().post('/api/v1/logs', { token, body: event });
    expect(response.status, response.text).to.equal(201);
    return response.body.id as string;
  };
  const mint = (tenantId: string, body: Record<string, unknown>) => http().post(`/api/v1/tenants/${tenantId}/tokens`, { token: admin, body });

  /** The audit_log.viewed events of a tenant, straight from PostgreSQL. */
  const viewedEvents = async (tenantId: string, reader: string) =>
    (
      await system.ownerPool.query<{ id: string; user_id: string; resource: string; metadata: any }>(
        "SELECT id, user_id, resource, metadata FROM logs WHERE tenant_id = $1 AND action = 'audit_log.viewed' AND user_id = $2 ORDER BY received_at, id",
        [tenantId, reader],
      )
    ).rows;

  /** Runs `read` and returns the audit events it left: exactly one is expected by the callers that say so. */
  async function viewsLeftBy(tenantId: string, reader: string, read: () => Promise<unknown>, expected: number) {
    const before = (await viewedEvents(tenantId, reader)).length;
    await read();
    const after = await waitFor(`${expected} new audit_log.viewed event(s)`, async () => {
      const rows = await viewedEvents(tenantId, reader);
      return rows.length >= before + expected ? rows : undefined;
    }, { timeoutMs: 5_000, intervalMs: 50 });
    // Nothing more arrives later: the record is committed before the read answers.
    const settled = await viewedEvents(tenantId, reader);
    expect(settled.length, 'audit_log.viewed events written by the read').to.equal(before + expected);
    return after.slice(before);
  }

  before(async () => {
    system = await testSystem();
    admin = tokenFor(system, 'admin');
    [tenantA, tenantB] = [randomUUID(), randomUUID()];
    for (const id of [tenantA, tenantB]) {
      await tenantsRepository(system.appPool).create({ id, name: `viewer-${id}`, rateLimit: { perSecond: 10_000, burst: 20_000 } });
    }
    user = tokenFor(system, 'user', tenantA);
    auditor = tokenFor(system, 'auditor', tenantA, 'auditor-dan');
    const minted = await mint(tenantA, { sub: VIEWER_SUB, role: 'viewer', ttl_seconds: 600, filters: FIXED });
    expect(minted.status, minted.text).to.equal(201);
    viewer = minted.body.token;
    viewerTokenId = minted.body.token_id;

    inside.push(await post(user, validEvent({ ...FIXED, action: 'invoice.paid' })), await post(user, validEvent({ ...FIXED, action: 'invoice.sent' })));
    outside.push(
      await post(user, validEvent({ user_id: 'alice', resource: 'order' })),
      await post(user, validEvent({ user_id: 'bob', resource: 'invoice' })),
      await post(user, validEvent({ user_id: 'bob', resource: 'order' })),
    );
    foreign.push(await post(tokenFor(system, 'user', tenantB), validEvent({ ...FIXED })));
    await waitFor('the events to be searchable', async () => {
      const [a, b] = [await documentIds(system, tenantA), await documentIds(system, tenantB)];
      return [...inside, ...outside].every((id) => a.has(id)) && foreign.every((id) => b.has(id));
    }, { timeoutMs: 60_000, intervalMs: 250 });
  });

  after(async () => {
    await Promise.all(streams.map((stream) => stream.close()));
  });

  describe('minting', () => {
    it('refuses a viewer ttl over an hour, filters on other roles and unknown or empty filter fields, naming each', async () => {
      const cases: [Record<string, unknown>, string[]][] = [
        [{ sub: 'v', role: 'viewer', ttl_seconds: 3601 }, ['/ttl_seconds']],
        [{ sub: 'v', role: 'user', ttl_seconds: 600, filters: { user_id: 'alice' } }, ['/filters']],
        [{ sub: 'v', role: 'viewer', ttl_seconds: 600, filters: { email: 'a@example.com', user_id: '' } }, ['/filters/email', '/filters/user_id']],
        [{ sub: 'v', role: 'viewer', ttl_seconds: 600, filters: { resource: 7 } }, ['/filters/resource']],
      ];
      for (const [body, paths] of cases) {
        const response = await mint(tenantA, body);
        expectProblem(response, 422, JSON.stringify(body));
        expect(response.body.errors.map((error: { path: string }) => error.path), JSON.stringify(body)).to.include.members(paths);
      }
    });

    it('lists viewer tokens with their filters, and revokes them like any other', async () => {
      const listed = await http().get(`/api/v1/tenants/${tenantA}/tokens`, { token: admin });
      expect(listed.status, listed.text).to.equal(200);
      expect(listed.body.items.find((item: { token_id: string }) => item.token_id === viewerTokenId)).to.include({ role: 'viewer', sub: VIEWER_SUB }).and.to.deep.include({ filters: FIXED });

      const spare = await mint(tenantA, { sub: 'viewer-spare', role: 'viewer', ttl_seconds: 60 });
      expect(spare.status, spare.text).to.equal(201);
      expect((await get(`/api/v1/logs/${inside[0]}`, spare.body.token)).status).to.equal(200);
      const revoked = await http().request('DELETE', `/api/v1/tenants/${tenantA}/tokens/${spare.body.token_id}`, { token: admin });
      expect(revoked.status, revoked.text).to.equal(204);
      await waitFor('the revoked viewer token to be refused', async () => (await get(`/api/v1/logs/${inside[0]}`, spare.body.token)).status === 401, { timeoutMs: 5_000, intervalMs: 50 });
    });
  });

  describe('every read stays inside the fixed filters', () => {
    it('search returns only events inside them; request filters narrow but never widen', async () => {
      const all = await get('/api/v1/logs?page_size=100');
      expect(all.status, all.text).to.equal(200);
      expect(all.body.items.map((item: { id: string }) => item.id)).to.have.members(inside);

      const narrowed = await get('/api/v1/logs?action=invoice.paid');
      expect(narrowed.body.items.map((item: { id: string }) => item.id)).to.deep.equal([inside[0]]);

      for (const conflicting of ['user_id=bob', 'resource=order', 'user_id=bob&resource=order', `tenant_id=${tenantB}&user_id=bob`]) {
        const response = await get(`/api/v1/logs?${conflicting}`);
        expect(response.status, response.text).to.equal(200);
        expect(response.body.total, conflicting).to.equal(0);
        expect(response.body.items, conflicting).to.deep.equal([]);
      }
    });

    it('a cursor, even one minted for a wider token, pages only inside the filters', async () => {
      const first = await get('/api/v1/logs?page_size=1');
      expect(first.body.next_cursor).to.be.a('string');
      const second = await get(`/api/v1/logs?cursor=${encodeURIComponent(first.body.next_cursor)}`);
      expect(second.status, second.text).to.equal(200);
      expect([...first.body.items, ...second.body.items].map((item: { id: string }) => item.id)).to.have.members(inside);
      expect(second.body.next_cursor).to.equal(null);

      const wide = await get('/api/v1/logs?page_size=1', user);
      let cursor: string | null = wide.body.next_cursor;
      const seen: string[] = [];
      while (cursor) {
        const page = await get(`/api/v1/logs?cursor=${encodeURIComponent(cursor)}`);
        expect(page.status, page.text).to.equal(200);
        seen.push(...page.body.items.map((item: { id: string }) => item.id));
        cursor = page.body.next_cursor;
      }
      expect(seen.filter((id) => !inside.includes(id)), 'events outside the filters through a foreign cursor').to.deep.equal([]);
    });

    it('GET /logs/{id} answers 404 outside the filters, exactly like a missing event', async () => {
      for (const id of inside) expect((await get(`/api/v1/logs/${id}`)).status).to.equal(200);
      const missing = await get(`/api/v1/logs/${randomUUID()}`);
      for (const id of [...outside, ...foreign]) {
        const response = await get(`/api/v1/logs/${id}`);
        expectProblem(response, 404, id);
        expect(response.body.detail).to.equal(missing.body.detail);
      }
    });

    it('stats count only events inside the filters, and nothing for a conflicting filter', async () => {
      const stats = await get('/api/v1/logs/stats?group_by=user_id');
      expect(stats.status, stats.text).to.equal(200);
      expect(stats.body.total).to.equal(inside.length);
      expect(stats.body.top).to.deep.equal([{ key: 'alice', count: inside.length }]);
      const conflicting = await get('/api/v1/logs/stats?user_id=bob');
      expect(conflicting.body.total).to.equal(0);
    });

    it('export streams only events inside the filters, and nothing for a conflicting filter', async () => {
      const exported = await get('/api/v1/logs/export?format=ndjson');
      expect(exported.status, exported.text).to.equal(200);
      expect(ndjsonIds(exported.text)).to.have.members(inside);
      const conflicting = await get('/api/v1/logs/export?format=ndjson&resource=order');
      expect(conflicting.status).to.equal(200);
      expect(ndjsonIds(conflicting.text)).to.deep.equal([]);
      const csv = await get(`/api/v1/logs/export?format=csv&tenant_id=${tenantB}`);
      for (const id of foreign) expect(csv.text).not.to.include(id);
      expect(csv.text.trim().split('\n')).to.have.length(inside.length + 1);
    });

    it('the live tail delivers only events inside the filters, also when asked for others', async () => {
      const viewerStream = await openStream(system.api.url, { token: viewer });
      const conflictingStream = await openStream(system.api.url, { token: viewer, query: { user_id: 'bob' } });
      const userStream = await openStream(system.api.url, { token: user });
      streams.push(viewerStream, conflictingStream, userStream);
      expect(viewerStream.messages[0]).to.deep.include({ type: 'subscribed' });
      expect(viewerStream.messages[0].filters).to.deep.equal(FIXED);

      const outsideNow = [
        await post(user, validEvent({ user_id: 'bob', resource: 'invoice' })),
        await post(user, validEvent({ user_id: 'alice', resource: 'order' })),
      ];
      foreign.push(await post(tokenFor(system, 'user', tenantB), validEvent({ ...FIXED })));
      const insideNow = await post(user, validEvent({ ...FIXED, action: 'invoice.voided' }));
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
        ['GET', `/api/v1/logs/${inside[0]}/proof`],
        ['GET', '/api/v1/integrity/checkpoints/latest'],
        ['POST', '/api/v1/integrity/verify', {}],
        ['POST', '/api/v1/exports', { format: 'ndjson' }],
        ['GET', `/api/v1/tenants/${tenantA}/tokens`],
        ['POST', `/api/v1/tenants/${tenantA}/tokens`, { sub: 'x', role: 'viewer', ttl_seconds: 60 }],
      ];
      for (const [method, path, body] of refused) {
        expectProblem(await http().request(method, path, { token: viewer, body }), 403, `${method} ${path}`);
      }
      const written = await system.ownerPool.query("SELECT count(*)::int AS n FROM logs WHERE tenant_id = $1 AND user_id = $2 AND action <> 'audit_log.viewed'", [tenantA, VIEWER_SUB]);
      expect(written.rows[0].n).to.equal(0);
    });
  });

  describe('audited reads', () => {
    it('each read by a viewer leaves exactly one audit_log.viewed event naming the reader, the endpoint, the filters and the count', async () => {
      const reads: [string, () => Promise<unknown>, number | null][] = [
        ['GET /logs', () => get('/api/v1/logs?action=invoice.paid'), 1],
        ['GET /logs/{id}', () => get(`/api/v1/logs/${inside[1]}`), 1],
        ['GET /logs/{id}', () => get(`/api/v1/logs/${outside[0]}`), 0],
        ['GET /logs/stats', () => get('/api/v1/logs/stats'), null],
        ['GET /logs/export', () => get('/api/v1/logs/export'), null],
        ['WS /logs/stream', async () => streams.push(await openStream(system.api.url, { token: viewer })), null],
      ];
      for (const [endpoint, read, count] of reads) {
        const [event] = await viewsLeftBy(tenantA, VIEWER_SUB, read, 1);
        expect(event?.resource, endpoint).to.equal('audit_log');
        expect(event?.metadata.endpoint, endpoint).to.equal(endpoint);
        if (endpoint !== 'GET /logs/{id}') expect(event?.metadata.filters, endpoint).to.include(FIXED);
        if (count !== null) expect(event?.metadata.result_count, endpoint).to.equal(count);
      }
      const [stats, exported, stream] = (await viewedEvents(tenantA, VIEWER_SUB)).slice(-3);
      expect(stats?.metadata.result_count).to.be.at.least(inside.length);
      expect(exported?.metadata.result_count).to.be.at.least(inside.length);
      expect(stream?.metadata.result_count).to.equal(null);
    });

    it("auditors' reads are recorded too; a user's and an admin's are not", async () => {
      await viewsLeftBy(tenantA, 'auditor-dan', () => get('/api/v1/logs', auditor), 1);
      await viewsLeftBy(tenantA, 'auditor-dan', () => get('/api/v1/logs/export', auditor), 1);
      const before = await system.ownerPool.query("SELECT count(*)::int AS n FROM logs WHERE tenant_id = $1 AND action = 'audit_log.viewed'", [tenantA]);
      await get('/api/v1/logs', user);
      await get(`/api/v1/logs?tenant_id=${tenantA}`, admin);
      const after = await system.ownerPool.query("SELECT count(*)::int AS n FROM logs WHERE tenant_id = $1 AND action = 'audit_log.viewed'", [tenantA]);
      expect(after.rows[0].n).to.equal(before.rows[0].n);
    });

    it('reading the records of reads records nothing more, and they are searchable like any event', async () => {
      const recorded = await viewedEvents(tenantA, VIEWER_SUB);
      const found = await waitFor('the audit_log.viewed events to be searchable', async () => {
        const response = await get(`/api/v1/logs?action=audit_log.viewed&user_id=${VIEWER_SUB}&page_size=100`, auditor);
        return response.body.total === recorded.length ? response : undefined;
      }, { timeoutMs: 60_000, intervalMs: 250 });
      expect(found.body.items.every((item: { resource: string }) => item.resource === 'audit_log')).to.equal(true);
      await viewsLeftBy(tenantA, 'auditor-dan', async () => {
        await get('/api/v1/logs?action=audit_log.viewed', auditor);
        await get('/api/v1/logs/stats?action=audit_log.viewed', auditor);
        await get('/api/v1/logs/export?action=audit_log.viewed', auditor);
        await get(`/api/v1/logs/${recorded[0]?.id}`, auditor);
        streams.push(await openStream(system.api.url, { token: auditor, query: { action: 'audit_log.viewed' } }));
      }, 0);
    });
  });

  describe('a read whose record cannot be written', () => {
    // PostgreSQL itself refuses the records of this tenant's reads: a trigger, owned by the
    // migration owner in this sandbox's own database, dropped afterwards.
    const trigger = `refuse_views_${randomUUID().replace(/-/g, '')}`;

    before(async () => {
      await system.ownerPool.query(`
        CREATE FUNCTION ${trigger}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF NEW.tenant_id = '${tenantA}' AND NEW.action = 'audit_log.viewed' THEN RAISE EXCEPTION 'the test refuses audit records'; END IF;
          RETURN NEW;
        END $$`);
      await system.ownerPool.query(`CREATE TRIGGER ${trigger} BEFORE INSERT ON logs FOR EACH ROW EXECUTE FUNCTION ${trigger}()`);
    });

    after(async () => {
      await system.ownerPool.query(`DROP TRIGGER IF EXISTS ${trigger} ON logs`);
      await system.ownerPool.query(`DROP FUNCTION IF EXISTS ${trigger}()`);
    });

    it('is withheld: 503 for search, get and stats, a refused stream, a download cut short; nothing recorded', async () => {
      const before = (await viewedEvents(tenantA, VIEWER_SUB)).length;
      for (const path of ['/api/v1/logs', `/api/v1/logs/${inside[0]}`, '/api/v1/logs/stats']) {
        const response = await get(path);
        expectProblem(response, 503, path);
        expect(response.text, path).not.to.include(inside[0]);
      }
      const refused = await refusedStream(system.api.url, { token: viewer });
      expect(refused.status).to.equal(503);
      // Cut short before or after its headers, depending on how far the stream got: never complete.
      const completed = await fetch(`${system.api.url}/api/v1/logs/export`, { headers: { authorization: `Bearer ${viewer}` } })
        .then((response) => response.text())
        .then(
          () => true,
          () => false,
        );
      expect(completed, 'the export download completed without its record').to.equal(false);
      expect((await viewedEvents(tenantA, VIEWER_SUB)).length).to.equal(before);
      // Writes are not reads: the tenant's own events are still accepted meanwhile.
      await post(user, validEvent({ ...FIXED }));
    });
  });

  describe('across tenants', () => {
    it("a viewer of tenant B with the same filters sees nothing of A's", async () => {
      const minted = await mint(tenantB, { sub: VIEWER_SUB, role: 'viewer', ttl_seconds: 600, filters: FIXED });
      expect(minted.status, minted.text).to.equal(201);
      const other = minted.body.token;
      await waitFor("B's events to be searchable", async () => {
        const indexed = await documentIds(system, tenantB);
        return foreign.every((id) => indexed.has(id));
      }, { timeoutMs: 60_000, intervalMs: 250 });
      const searched = await get(`/api/v1/logs?tenant_id=${tenantA}&page_size=100`, other);
      expect(searched.body.items.map((item: { id: string }) => item.id)).to.have.members(foreign);
      for (const id of inside) expectProblem(await get(`/api/v1/logs/${id}`, other), 404, id);
      expect(ndjsonIds((await get('/api/v1/logs/export', other)).text)).to.have.members(foreign);
      expect((await get('/api/v1/logs/stats', other)).body.total).to.equal(foreign.length);
      const events = await system.ownerPool.query("SELECT tenant_id FROM logs WHERE action = 'audit_log.viewed' AND user_id = $1 AND tenant_id = ANY($2::uuid[]) GROUP BY tenant_id", [VIEWER_SUB, [tenantA, tenantB]]);
      expect(events.rows.map((row) => row.tenant_id)).to.have.members([tenantA, tenantB]);
    });
  });
});
