import { expect } from 'chai';
import { createTenant, tokenFor, validEvent } from '../support/fixtures';
import { seedLogs } from '../support/seed-logs';
import { testSystem, type TestSystem } from '../support/system';

const ROUTES = ['/api/v1/logs', '/api/v1/logs/stats', '/api/v1/logs/export'];

describe('search, stats and export: query validation and roles', function () {
  this.timeout(60_000);
  let system: TestSystem;
  let tenantId: string;
  let auditor: string;

  const get = (path: string, params: Record<string, string>, token = auditor) =>
    system.api.http.get(`${path}?${new URLSearchParams(params).toString()}`, { token });
  const paths = (body: { errors?: { path: string }[] }) => (body.errors ?? []).map((e) => e.path).sort();

  before(async () => {
    system = await testSystem();
    tenantId = await createTenant(system);
    auditor = tokenFor(system, 'auditor', tenantId);
  });

  it('answers 400 naming every unknown query parameter, on every route', async () => {
    for (const path of ROUTES) {
      const response = await get(path, { usr_id: 'alice', severity: 'INFO', limit: '5' });
      expect(response.status, path).to.equal(400);
      expect(response.headers.get('content-type')).to.match(/^application\/problem\+json/);
      expect(paths(response.body), path).to.deep.equal(['/limit', '/usr_id']);
    }
    const routeSpecific = await get('/api/v1/logs', { interval: 'hour', format: 'csv' });
    expect(paths(routeSpecific.body)).to.deep.equal(['/format', '/interval']);
  });

  it('answers 422 naming every invalid filter value, on every route', async () => {
    const bad = {
      severity: 'INFO,LOUD',
      start_time: 'yesterday',
      end_time: '2026-01-01T00:00:00',
      ip_address: '300.1.1.1',
      user_id: '',
      action: 'a'.repeat(129),
    };
    for (const path of ROUTES) {
      const response = await get(path, bad);
      expect(response.status, path).to.equal(422);
      expect(paths(response.body), path).to.deep.equal(['/action', '/end_time', '/ip_address', '/severity', '/start_time', '/user_id']);
    }
  });

  it('rejects an IPv6 zone, which no stored address can have', async () => {
    for (const path of ROUTES) {
      const response = await get(path, { ip_address: 'fe80::1%eth0' });
      expect(response.status, path).to.equal(422);
      expect(paths(response.body)).to.deep.equal(['/ip_address']);
    }
  });

  it('rejects instants the stores cannot hold: leap second 60, year 0, past year 9999', async () => {
    for (const path of ROUTES) {
      const response = await get(path, { start_time: '0000-06-01T00:00:00Z', end_time: '2026-12-31T23:59:60Z' });
      expect(response.status, path).to.equal(422);
      expect(paths(response.body)).to.deep.equal(['/end_time', '/start_time']);
      const late = await get(path, { end_time: '9999-12-31T23:59:59.9999Z' });
      expect(paths(late.body)).to.deep.equal(['/end_time']);
    }
    expect((await get('/api/v1/logs', { start_time: '0001-01-01T00:00:00Z', end_time: '9999-12-31T23:59:59.999Z' })).status).to.equal(200);
    expect((await get('/api/v1/logs/export', { start_time: '0001-01-01T00:00:00Z', end_time: '9999-12-31T23:59:59.999Z' })).status).to.equal(200);
  });

  it('rejects a range that ends before it starts, naming both ends', async () => {
    for (const path of ROUTES) {
      const response = await get(path, { start_time: '2026-01-02T00:00:00Z', end_time: '2026-01-01T00:00:00Z' });
      expect(response.status, path).to.equal(422);
      expect(paths(response.body)).to.deep.equal(['/end_time', '/start_time']);
    }
  });

  it('answers a range whose ends are equal as empty (end_time is exclusive): no results, no buckets, no rows', async () => {
    const at = '2026-01-03T10:00:00.000Z';
    await seedLogs(system, tenantId, [validEvent({ event_timestamp: at })]);
    const justAfter = '2026-01-03T10:00:00.001Z';
    expect((await get('/api/v1/logs', { start_time: at, end_time: justAfter })).body.total, 'the control: the event is in [at, at + 1 ms)').to.equal(1);
    const search = await get('/api/v1/logs', { start_time: at, end_time: at });
    expect([search.status, search.body.total, search.body.items]).to.deep.equal([200, 0, []]);
    const stats = await get('/api/v1/logs/stats', { start_time: at, end_time: at });
    expect([stats.status, stats.body.total, stats.body.buckets, stats.body.top]).to.deep.equal([200, 0, [], []]);
    const exported = await get('/api/v1/logs/export', { start_time: at, end_time: at });
    expect([exported.status, exported.text]).to.deep.equal([200, '']);
  });

  it('validates sort, page and page_size of search', async () => {
    const response = await get('/api/v1/logs', { sort: 'severity:asc', page: '0', page_size: '101' });
    expect(response.status).to.equal(422);
    expect(paths(response.body)).to.deep.equal(['/page', '/page_size', '/sort']);
    const notNumbers = await get('/api/v1/logs', { page: 'two', page_size: '1.5' });
    expect(paths(notNumbers.body)).to.deep.equal(['/page', '/page_size']);
  });

  it('stops numbered pages at 10,000 results and points to the cursor', async () => {
    expect((await get('/api/v1/logs', { page: '100', page_size: '100' })).status).to.equal(200);
    const beyond = await get('/api/v1/logs', { page: '101', page_size: '100' });
    expect(beyond.status).to.equal(422);
    expect(beyond.body.errors).to.deep.equal([{ path: '/page', message: 'page × page_size must be at most 10000; continue with next_cursor' }]);
  });

  it('treats a repeated parameter as invalid instead of picking one', async () => {
    const response = await system.api.http.get('/api/v1/logs?user_id=alice&user_id=bob', { token: auditor });
    expect(response.status).to.equal(422);
    expect(paths(response.body)).to.deep.equal(['/user_id']);
  });

  it('validates interval and group_by of stats, and bounds the number of buckets', async () => {
    const response = await get('/api/v1/logs/stats', { interval: 'week', group_by: 'message' });
    expect(response.status).to.equal(422);
    expect(paths(response.body)).to.deep.equal(['/group_by', '/interval']);
    const tooMany = await get('/api/v1/logs/stats', { interval: 'minute', start_time: '2026-01-01T00:00:00Z', end_time: '2026-01-05T00:00:00Z' });
    expect(tooMany.status).to.equal(422);
    expect(paths(tooMany.body)).to.deep.equal(['/end_time', '/interval', '/start_time']);
    const hourly = await get('/api/v1/logs/stats', { interval: 'hour', start_time: '2026-01-01T00:00:00Z', end_time: '2026-01-05T00:00:00Z' });
    expect(hourly.status).to.equal(200);
  });

  it('validates the export format', async () => {
    const response = await get('/api/v1/logs/export', { format: 'xlsx' });
    expect(response.status).to.equal(422);
    expect(paths(response.body)).to.deep.equal(['/format']);
  });

  it('lets admin, user and auditor search and read stats, and only admin and auditor export', async () => {
    const user = tokenFor(system, 'user', tenantId);
    const admin = tokenFor(system, 'admin');
    for (const path of ['/api/v1/logs', '/api/v1/logs/stats']) {
      expect((await get(path, {}, user)).status, path).to.equal(200);
      expect((await get(path, {}, auditor)).status, path).to.equal(200);
      expect((await get(path, { tenant_id: tenantId }, admin)).status, path).to.equal(200);
    }
    expect((await get('/api/v1/logs/export', {}, user)).status).to.equal(403);
    expect((await get('/api/v1/logs/export', {}, auditor)).status).to.equal(200);
    expect((await get('/api/v1/logs/export', { tenant_id: tenantId }, admin)).status).to.equal(200);
    for (const path of ROUTES) expect((await system.api.http.get(path)).status, path).to.equal(401);
  });
});
