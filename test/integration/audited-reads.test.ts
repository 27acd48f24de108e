import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { validEvent } from '../support/fixtures';
import { openStream, refusedStream } from '../support/stream-client';
import { testSystem, type TestSystem } from '../support/system';
import { expectProblem, FIXED, VIEWER_SUB, viewerFixture, type ViewerFixture } from '../support/viewer-fixture';
import { waitFor } from '../support/wait-for';

/**
 * Every read by a viewer or auditor leaves exactly one audit_log.viewed event, counted in
 * PostgreSQL itself (the owner role, beside the service), and a read whose record cannot be
 * written is withheld.
 */
describe('audited reads', function () {
  this.timeout(180_000);
  let system: TestSystem;
  let f: ViewerFixture;

  before(async () => {
    system = await testSystem();
    f = await viewerFixture(system);
  });

  after(() => f?.closeStreams());

  describe('audited reads', () => {
    it('each read by a viewer leaves exactly one audit_log.viewed event naming the reader, the endpoint, the filters and the count', async () => {
      const reads: [string, () => Promise<unknown>, number | null][] = [
        ['GET /logs', () => f.get('/api/v1/logs?action=invoice.paid'), 1],
        ['GET /logs/{id}', () => f.get(`/api/v1/logs/${f.inside[1]}`), 1],
        ['GET /logs/{id}', () => f.get(`/api/v1/logs/${f.outside[0]}`), 0],
        ['GET /logs/stats', () => f.get('/api/v1/logs/stats'), null],
        ['GET /logs/export', () => f.get('/api/v1/logs/export'), null],
        ['WS /logs/stream', async () => f.streams.push(await openStream(system.api.url, { token: f.viewer })), null],
      ];
      for (const [endpoint, read, count] of reads) {
        const [event] = await f.viewsLeftBy(f.tenantA, VIEWER_SUB, read, 1);
        expect(event?.resource, endpoint).to.equal('audit_log');
        expect(event?.metadata.endpoint, endpoint).to.equal(endpoint);
        if (endpoint !== 'GET /logs/{id}') expect(event?.metadata.filters, endpoint).to.include(FIXED);
        if (count !== null) expect(event?.metadata.result_count, endpoint).to.equal(count);
      }
      const [stats, exported, stream] = (await f.viewedEvents(f.tenantA, VIEWER_SUB)).slice(-3);
      expect(stats?.metadata.result_count).to.be.at.least(f.inside.length);
      expect(exported?.metadata.result_count).to.be.at.least(f.inside.length);
      expect(stream?.metadata.result_count).to.equal(null);
    });

    it("auditors' reads are recorded too; a user's and an admin's are not", async () => {
      await f.viewsLeftBy(f.tenantA, 'auditor-dan', () => f.get('/api/v1/logs', f.auditor), 1);
      await f.viewsLeftBy(f.tenantA, 'auditor-dan', () => f.get('/api/v1/logs/export', f.auditor), 1);
      const before = await system.ownerPool.query("SELECT count(*)::int AS n FROM logs WHERE tenant_id = $1 AND action = 'audit_log.viewed'", [f.tenantA]);
      await f.get('/api/v1/logs', f.user);
      await f.get(`/api/v1/logs?tenant_id=${f.tenantA}`, f.admin);
      const after = await system.ownerPool.query("SELECT count(*)::int AS n FROM logs WHERE tenant_id = $1 AND action = 'audit_log.viewed'", [f.tenantA]);
      expect(after.rows[0].n).to.equal(before.rows[0].n);
    });

    it('reading the records of reads records nothing more, and they are searchable like any event', async () => {
      const recorded = await f.viewedEvents(f.tenantA, VIEWER_SUB);
      const found = await waitFor('the audit_log.viewed events to be searchable', async () => {
        const response = await f.get(`/api/v1/logs?action=audit_log.viewed&user_id=${VIEWER_SUB}&page_size=100`, f.auditor);
        return response.body.total === recorded.length ? response : undefined;
      }, { timeoutMs: 60_000, intervalMs: 250 });
      expect(found.body.items.every((item: { resource: string }) => item.resource === 'audit_log')).to.equal(true);
      await f.viewsLeftBy(f.tenantA, 'auditor-dan', async () => {
        await f.get('/api/v1/logs?action=audit_log.viewed', f.auditor);
        await f.get('/api/v1/logs/stats?action=audit_log.viewed', f.auditor);
        await f.get('/api/v1/logs/export?action=audit_log.viewed', f.auditor);
        await f.get(`/api/v1/logs/${recorded[0]?.id}`, f.auditor);
        f.streams.push(await openStream(system.api.url, { token: f.auditor, query: { action: 'audit_log.viewed' } }));
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
          IF NEW.tenant_id = '${f.tenantA}' AND NEW.action = 'audit_log.viewed' THEN RAISE EXCEPTION 'the test refuses audit records'; END IF;
          RETURN NEW;
        END $$`);
      await system.ownerPool.query(`CREATE TRIGGER ${trigger} BEFORE INSERT ON logs FOR EACH ROW EXECUTE FUNCTION ${trigger}()`);
    });

    after(async () => {
      await system.ownerPool.query(`DROP TRIGGER IF EXISTS ${trigger} ON logs`);
      await system.ownerPool.query(`DROP FUNCTION IF EXISTS ${trigger}()`);
    });

    it('is withheld: 503 for search, get and stats, a refused stream, a download cut short; nothing recorded', async () => {
      const before = (await f.viewedEvents(f.tenantA, VIEWER_SUB)).length;
      for (const path of ['/api/v1/logs', `/api/v1/logs/${f.inside[0]}`, '/api/v1/logs/stats']) {
        const response = await f.get(path);
        expectProblem(response, 503, path);
        expect(response.text, path).not.to.include(f.inside[0]);
      }
      const refused = await refusedStream(system.api.url, { token: f.viewer });
      expect(refused.status).to.equal(503);
      // Cut short before or after its headers, depending on how far the stream got: never complete.
      const completed = await fetch(`${system.api.url}/api/v1/logs/export`, { headers: { authorization: `Bearer ${f.viewer}` } })
        .then((response) => response.text())
        .then(
          () => true,
          () => false,
        );
      expect(completed, 'the export download completed without its record').to.equal(false);
      expect((await f.viewedEvents(f.tenantA, VIEWER_SUB)).length).to.equal(before);
      // Writes are not reads: the tenant's own events are still accepted meanwhile.
      await f.post(f.user, validEvent({ ...FIXED }));
    });
  });
});
