import { expect } from 'chai';
import { outageSandboxName, startOutageSystem } from '../support/outage-system';
import {
  Acknowledged,
  expectNoServerError,
  expectReadiness,
  ingestDuringOutage,
  expectUnavailableProblem,
  openTail,
  outageTenant,
  postOne,
  readEverything,
  tenantTaskIds,
  waitUntilIndexed,
  waitUntilTasksEnd,
  type OutageTenant,
} from '../support/outage-tour';
import { startPrivateOpenSearch, type PrivateOpenSearch } from '../support/private-opensearch';
import type { TestSystem } from '../support/system';
import { waitFor } from '../support/wait-for';

describe('outage: OpenSearch down', function () {
  this.timeout(600_000);
  let opensearch: PrivateOpenSearch;
  let system: TestSystem;
  let tenant: OutageTenant;

  before(async () => {
    opensearch = await startPrivateOpenSearch();
    system = await startOutageSystem(outageSandboxName('opensearch'), { opensearchUrl: opensearch.url });
    tenant = await outageTenant(system);
  });
  after(async () => {
    await opensearch?.start().catch(() => undefined);
    await system?.stop();
    await opensearch?.dispose();
  });

  it('keeps ingesting, answers search and stats with 503, serves reads from PostgreSQL, and indexes the backlog on return', async () => {
    const acknowledged = new Acknowledged();
    const before = await postOne(system, tenant, 'before the outage');
    expect(before.status).to.equal(201);
    acknowledged.record(before);
    await waitUntilIndexed(system, tenant.tenantId, acknowledged.ids);
    const tail = await openTail(system, tenant);

    await opensearch.stop();
    try {
      const { single, bulk } = await ingestDuringOutage(system, tenant, acknowledged);
      await tail.logWithId(single.body.id);

      const seen = await readEverything(system, tenant, before.body.id, bulk.body.task_id);
      Object.entries(seen).forEach(([name, response]) => expectNoServerError(name, response));
      expectUnavailableProblem('search', seen.search, /search/i);
      expectUnavailableProblem('stats', seen.stats, /search|stat/i);
      expect(seen.read.status).to.equal(200);
      expect(seen.read.body.id).to.equal(before.body.id);
      expect(seen.exported.status).to.equal(200);
      const exportedIds = seen.exported.text.split('\n').filter(Boolean).map((line) => JSON.parse(line).id as string);
      expect(exportedIds.sort(), 'the export reads PostgreSQL, so it holds what search cannot show yet').to.deep.equal([...acknowledged.ids].sort());
      expect(seen.task.status).to.equal(200);
      expect(seen.task.body.status).to.be.oneOf(['pending', 'running']);
      await expectReadiness(system, 200, 'opensearch', 'down');

      const textExport = await system.api.http.get('/api/v1/logs/export?format=ndjson&q=outage', { token: tenant.reader });
      expectUnavailableProblem('export with q', textExport, /search/i);
    } finally {
      await opensearch.start();
    }

    await waitUntilIndexed(system, tenant.tenantId, acknowledged.ids);
    expect(await waitUntilTasksEnd(system, await tenantTaskIds(system, tenant.tenantId))).to.deep.equal([]);
    await waitFor('search to show every acknowledged event once the index refreshes', async () => {
      const search = await system.api.http.get('/api/v1/logs?page_size=100', { token: tenant.reader });
      expect(search.status).to.equal(200);
      return search.body.total === acknowledged.ids.length && search.body.items.map((event: { id: string }) => event.id).sort().join() === [...acknowledged.ids].sort().join();
    });
    await expectReadiness(system, 200, 'opensearch', 'up');
    await tail.close();
  });
});
