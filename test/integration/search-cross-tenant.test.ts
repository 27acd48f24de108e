import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import type { LogEvent } from '../../domain/log-event';
import { createTenant, tokenFor, validEvent } from '../support/fixtures';
import { seedLogs } from '../support/seed-logs';
import { testSystem, type TestSystem } from '../support/system';

describe('search, stats and export never cross tenants', function () {
  this.timeout(120_000);
  let system: TestSystem;
  let tenantA: string;
  let tenantB: string;
  let idsA: string[];
  let idsB: string[];
  const word = `shared${randomUUID().replace(/-/g, '')}`;
  const range = { start_time: '2026-04-01T00:00:00Z', end_time: '2026-04-02T00:00:00Z' };

  // An auditor's every read is itself recorded as an event received now: reads other than a
  // cursor's stay within the seeded day (a cursor carries its own filters), which leaves those out.
  const get = (path: string, params: Record<string, string>, token: string) =>
    system.api.http.get(`/api/v1/logs${path}?${new URLSearchParams('cursor' in params ? params : { ...range, ...params }).toString()}`, { token });
  const exportedIds = (text: string) => text.split('\n').filter(Boolean).map((line) => (JSON.parse(line) as LogEvent).id).sort();

  before(async () => {
    system = await testSystem();
    [tenantA, tenantB] = [await createTenant(system), await createTenant(system)];
    // Identical content in both tenants: only the tenant can tell them apart.
    const events = Array.from({ length: 5 }, (_, i) => validEvent({ message: `${word} ${i}`, event_timestamp: `2026-04-01T10:0${i}:00Z` }));
    idsA = (await seedLogs(system, tenantA, events)).map((e) => e.id).sort();
    idsB = (await seedLogs(system, tenantB, [...events, ...events])).map((e) => e.id).sort();
  });

  it("searches only the token's tenant, with and without q", async () => {
    for (const role of ['user', 'auditor'] as const) {
      const token = tokenFor(system, role, tenantA);
      for (const params of [{}, { q: word }, { user_id: 'alice', ...range }] as Record<string, string>[]) {
        const response = await get('', { ...params, page_size: '100' }, token);
        expect(response.body.items.map((e: LogEvent) => e.id).sort(), `${role} ${JSON.stringify(params)}`).to.deep.equal(idsA);
        expect(response.body.total).to.equal(5);
      }
    }
  });

  it("counts only the token's tenant in stats", async () => {
    const body = (await get('/stats', { ...range, q: word, group_by: 'user_id' }, tokenFor(system, 'user', tenantA))).body;
    expect(body.total).to.equal(5);
    expect(body.top).to.deep.equal([{ key: 'alice', count: 5 }]);
    expect((await get('/stats', { ...range, q: word }, tokenFor(system, 'auditor', tenantB))).body.total).to.equal(10);
  });

  it("exports only the token's tenant, with and without q", async () => {
    const token = tokenFor(system, 'auditor', tenantA);
    expect(exportedIds((await get('/export', {}, token)).text)).to.deep.equal(idsA);
    expect(exportedIds((await get('/export', { q: word }, token)).text)).to.deep.equal(idsA);
  });

  it('ignores tenant_id from a token that carries a tenant', async () => {
    const token = tokenFor(system, 'auditor', tenantA);
    const searched = await get('', { tenant_id: tenantB, page_size: '100' }, token);
    expect(searched.body.items.map((e: LogEvent) => e.id).sort()).to.deep.equal(idsA);
    expect((await get('/stats', { tenant_id: tenantB, ...range }, token)).body.total).to.equal(5);
    expect(exportedIds((await get('/export', { tenant_id: tenantB }, token)).text)).to.deep.equal(idsA);
  });

  it('gives an admin exactly the tenant it names', async () => {
    const admin = tokenFor(system, 'admin');
    const searched = await get('', { tenant_id: tenantB, page_size: '100' }, admin);
    expect(searched.body.items.map((e: LogEvent) => e.id).sort()).to.deep.equal(idsB);
    expect((await get('/stats', { tenant_id: tenantB, ...range }, admin)).body.total).to.equal(10);
    expect(exportedIds((await get('/export', { tenant_id: tenantB }, admin)).text)).to.deep.equal(idsB);
    expect((await get('', { tenant_id: randomUUID() }, admin)).status).to.equal(404);
  });

  it("refuses the other tenant's cursor", async () => {
    const pageB = await get('', { page_size: '2' }, tokenFor(system, 'user', tenantB));
    const response = await get('', { cursor: pageB.body.next_cursor }, tokenFor(system, 'user', tenantA));
    expect(response.status).to.equal(400);
    expect(response.body.items).to.equal(undefined);
  });
});
