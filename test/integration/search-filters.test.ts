import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import type { LogEvent } from '../../domain/log-event';
import { createTenant, tokenFor, validEvent } from '../support/fixtures';
import { seedLogs } from '../support/seed-logs';
import { testSystem, type TestSystem } from '../support/system';
import { waitFor } from '../support/wait-for';

const BASE = Date.parse('2026-01-10T12:00:00.000Z');
const at = (minutes: number) => new Date(BASE + minutes * 60_000).toISOString();

/** Distinct values per field, so every filter selects a proper, non-empty subset. */
const EVENTS = [
  { action: 'user.login', severity: 'INFO', user_id: 'alice', session_id: 's-1', resource: 'session', resource_id: 'r-1', ip_address: '203.0.113.7', event_timestamp: at(0) },
  { action: 'user.logout', severity: 'warning', user_id: 'bob', session_id: 's-2', resource: 'session', resource_id: 'r-2', ip_address: '198.51.100.2', event_timestamp: at(1) },
  { action: 'document.delete', severity: 'ERROR', user_id: 'alice', session_id: 's-1', resource: 'document', resource_id: 'r-3', ip_address: '2001:db8::1', event_timestamp: at(2) },
  { action: 'document.update', severity: 'CRITICAL', user_id: 'carol', session_id: 's-3', resource: 'document', resource_id: 'r-3', ip_address: '203.0.113.7', event_timestamp: at(3) },
  { action: 'user.login', severity: 'ERROR', user_id: 'bob', session_id: 's-2', resource: 'session', resource_id: 'r-4', ip_address: '203.0.113.8', event_timestamp: at(4) },
  { action: 'user.login', severity: 'INFO', user_id: 'carol', session_id: 's-3', resource: 'session', resource_id: 'r-5', ip_address: '2001:db8::1', event_timestamp: at(5) },
  { action: 'document.delete', severity: 'INFO', user_id: 'alice', session_id: 's-4', resource: 'document', resource_id: 'r-6', ip_address: '198.51.100.2', event_timestamp: at(6) },
  { action: 'report.export', severity: 'WARNING', user_id: 'dave', resource: 'report', resource_id: 'r-7', event_timestamp: at(7) },
].map((fields) => validEvent({ message: 'filter fixture', ...fields }));

describe('GET /logs: every filter, alone and combined', function () {
  this.timeout(120_000);
  let system: TestSystem;
  let tenantId: string;
  let token: string;
  let seeded: LogEvent[];

  const search = async (params: Record<string, string>, as = token) =>
    system.api.http.get(`/api/v1/logs?${new URLSearchParams(params).toString()}`, { token: as });

  /** Asserts the search returns exactly the seeded events `expected` selects (newest first), and that this is a proper subset. */
  async function expectMatches(params: Record<string, string>, expected: (event: LogEvent) => boolean) {
    const wanted = seeded.filter(expected).sort((a, b) => b.event_timestamp.localeCompare(a.event_timestamp));
    expect(wanted.length, 'the fixture selects something').to.be.greaterThan(0);
    expect(wanted.length, 'the fixture leaves something out').to.be.lessThan(seeded.length);
    const response = await search({ ...params, page_size: '100' });
    expect(response.status, JSON.stringify(response.body)).to.equal(200);
    expect(response.body.items.map((e: LogEvent) => e.id)).to.deep.equal(wanted.map((e) => e.id));
    expect(response.body).to.include({ total: wanted.length, total_relation: 'eq' });
  }

  before(async () => {
    system = await testSystem();
    tenantId = await createTenant(system);
    token = tokenFor(system, 'user', tenantId);
    seeded = await seedLogs(system, tenantId, EVENTS);
    const noise = await createTenant(system);
    await seedLogs(system, noise, EVENTS);
  });

  it('returns every event of the tenant, newest first, with every field and nothing else', async () => {
    const response = await search({});
    expect(response.status).to.equal(200);
    expect(response.body).to.include({ total: seeded.length, total_relation: 'eq', page: 1, page_size: 20, next_cursor: null });
    const byId = new Map(seeded.map((e) => [e.id, e]));
    const items = response.body.items as LogEvent[];
    expect(items.map((e) => e.event_timestamp)).to.deep.equal(seeded.map((e) => e.event_timestamp).sort().reverse());
    // Seeded events bypass ingest's tasks, so they are never sealed: seq stays null.
    for (const item of items) expect(item).to.deep.equal({ ...byId.get(item.id), seq: null });
  });

  it('filters by user_id', () => expectMatches({ user_id: 'alice' }, (e) => e.user_id === 'alice'));
  it('filters by action', () => expectMatches({ action: 'user.login' }, (e) => e.action === 'user.login'));
  it('filters by resource', () => expectMatches({ resource: 'document' }, (e) => e.resource === 'document'));
  it('filters by resource_id', () => expectMatches({ resource_id: 'r-3' }, (e) => e.resource_id === 'r-3'));
  it('filters by session_id', () => expectMatches({ session_id: 's-2' }, (e) => e.session_id === 's-2'));
  it('filters by one severity, any case', () => expectMatches({ severity: 'error' }, (e) => e.severity === 'ERROR'));
  it('filters by a comma list of severities', () => expectMatches({ severity: 'ERROR, critical' }, (e) => ['ERROR', 'CRITICAL'].includes(e.severity)));
  it('filters by IPv4 address', () => expectMatches({ ip_address: '203.0.113.7' }, (e) => e.ip_address === '203.0.113.7'));
  it('filters by IPv6 address', () => expectMatches({ ip_address: '2001:db8:0::1' }, (e) => e.ip_address === '2001:db8::1'));
  it('treats start_time as inclusive', () => expectMatches({ start_time: at(2) }, (e) => e.event_timestamp >= at(2)));
  it('treats end_time as exclusive', () => expectMatches({ end_time: at(2) }, (e) => e.event_timestamp < at(2)));
  it('accepts a time range with offsets', () =>
    expectMatches({ start_time: '2026-01-10T13:02:00+01:00', end_time: '2026-01-10T07:05:00-05:00' }, (e) => e.event_timestamp >= at(2) && e.event_timestamp < at(5)));
  it('combines filters with AND', () =>
    expectMatches(
      { user_id: 'alice', severity: 'ERROR,INFO', resource: 'document', start_time: at(1), end_time: at(7), ip_address: '2001:db8::1' },
      (e) => e.user_id === 'alice' && e.resource === 'document' && e.ip_address === '2001:db8::1' && e.event_timestamp >= at(1) && e.event_timestamp < at(7),
    ));
  it('combines q with the exact filters', async () => {
    await expectMatches({ q: 'fixture', action: 'user.login', session_id: 's-3' }, (e) => e.action === 'user.login' && e.session_id === 's-3');
  });

  it('matches exact values only (no prefix or case folding on exact filters)', async () => {
    for (const params of [{ user_id: 'ALICE' }, { action: 'user' }, { resource_id: 'r' }] as Record<string, string>[]) {
      const response = await search(params);
      expect(response.status).to.equal(200);
      expect(response.body.total, JSON.stringify(params)).to.equal(0);
    }
  });

  it('sorts ascending on request and pages with page and page_size', async () => {
    const ascending = [...seeded].sort((a, b) => a.event_timestamp.localeCompare(b.event_timestamp)).map((e) => e.id);
    const pages: string[][] = [];
    for (let page = 1; page <= 3; page++) {
      const response = await search({ sort: 'event_timestamp:asc', page: String(page), page_size: '3' });
      expect(response.body).to.include({ page, page_size: 3, total: 8 });
      expect(response.body.next_cursor === null, `page ${page}`).to.equal(page === 3);
      pages.push(response.body.items.map((e: LogEvent) => e.id));
    }
    expect(pages.flat()).to.deep.equal(ascending);
    const beyond = await search({ page: '4', page_size: '3' });
    expect(beyond.body).to.include({ total: 8, next_cursor: null });
    expect(beyond.body.items).to.deep.equal([]);
  });

  it('serves auditors and admins (with tenant_id), and requires tenant_id from an admin', async () => {
    const auditor = await search({ user_id: 'bob' }, tokenFor(system, 'auditor', tenantId));
    expect(auditor.body.total).to.equal(2);
    const admin = tokenFor(system, 'admin');
    const asAdmin = await search({ user_id: 'bob', tenant_id: tenantId }, admin);
    expect(asAdmin.body.items.map((e: LogEvent) => e.id)).to.deep.equal(auditor.body.items.map((e: LogEvent) => e.id));
    const withoutTenant = await search({ user_id: 'bob' }, admin);
    expect(withoutTenant.status).to.equal(400);
    expect(withoutTenant.body.errors).to.deep.equal([{ path: '/tenant_id', message: 'is required' }]);
  });

  it('finds an event posted through the API once the pipeline has indexed it', async () => {
    const word = `needle${randomUUID().replace(/-/g, '')}`;
    const posted = await system.api.http.post('/api/v1/logs', { token, body: validEvent({ message: `a ${word} in the haystack` }) });
    expect(posted.status).to.equal(201);
    const found = await waitFor('the posted event in search', async () => {
      const response = await search({ q: word });
      return response.body.total === 1 ? response.body : undefined;
    });
    expect(found.items[0]).to.include({ id: posted.body.id, tenant_id: tenantId, message: `a ${word} in the haystack` });
  });
});
