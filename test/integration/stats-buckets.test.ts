import { expect } from 'chai';
import { createTenant, tokenFor, validEvent } from '../support/fixtures';
import { seedLogs } from '../support/seed-logs';
import { testSystem, type TestSystem } from '../support/system';

const times = (count: number, fields: Record<string, unknown>) => Array.from({ length: count }, () => validEvent(fields));

const FIXTURE = [
  ...times(3, { event_timestamp: '2026-01-10T10:00:30Z', severity: 'INFO', action: 'user.login', user_id: 'alice', resource: 'session' }),
  ...times(1, { event_timestamp: '2026-01-10T10:59:59.999Z', severity: 'ERROR', action: 'doc.delete', user_id: 'bob', resource: 'document', message: 'purged' }),
  ...times(2, { event_timestamp: '2026-01-10T11:00:00Z', severity: 'WARNING', action: 'user.login', user_id: 'carol', resource: undefined }),
  ...times(1, { event_timestamp: '2026-01-10T13:15:00Z', severity: 'CRITICAL', action: 'doc.delete', user_id: 'alice', resource: 'document' }),
  ...times(1, { event_timestamp: '2026-01-11T02:00:00Z', severity: 'INFO', action: 'doc.update', user_id: 'dave', resource: 'document' }),
];

describe('GET /logs/stats: UTC buckets, groups and top keys', function () {
  this.timeout(120_000);
  let system: TestSystem;
  let tenantId: string;
  let token: string;

  const stats = async (params: Record<string, string>, as = token) => {
    const response = await system.api.http.get(`/api/v1/logs/stats?${new URLSearchParams(params).toString()}`, { token: as });
    expect(response.status, JSON.stringify(response.body)).to.equal(200);
    return response.body;
  };

  before(async () => {
    system = await testSystem();
    tenantId = await createTenant(system);
    token = tokenFor(system, 'user', tenantId);
    await seedLogs(system, tenantId, FIXTURE);
    // The same events in another tenant: any leak would double the counts below.
    await seedLogs(system, await createTenant(system), FIXTURE);
  });

  it('counts per hour with severity groups, empty buckets included', async () => {
    const body = await stats({ start_time: '2026-01-10T10:00:00Z', end_time: '2026-01-10T14:00:00Z', interval: 'hour', group_by: 'severity' });
    expect(body).to.deep.equal({
      start_time: '2026-01-10T10:00:00.000Z',
      end_time: '2026-01-10T14:00:00.000Z',
      interval: 'hour',
      total: 7,
      buckets: [
        { start: '2026-01-10T10:00:00.000Z', count: 4, groups: { INFO: 3, ERROR: 1 } },
        { start: '2026-01-10T11:00:00.000Z', count: 2, groups: { WARNING: 2 } },
        { start: '2026-01-10T12:00:00.000Z', count: 0, groups: {} },
        { start: '2026-01-10T13:00:00.000Z', count: 1, groups: { CRITICAL: 1 } },
      ],
      top: [
        { key: 'INFO', count: 3 },
        { key: 'WARNING', count: 2 },
        { key: 'CRITICAL', count: 1 },
        { key: 'ERROR', count: 1 },
      ],
    });
  });

  it('aligns the first bucket to the UTC boundary before start_time but counts only events in range', async () => {
    const body = await stats({ start_time: '2026-01-10T10:30:00Z', end_time: '2026-01-10T11:30:00Z', interval: 'hour', group_by: 'action' });
    expect(body.total).to.equal(3);
    expect(body.buckets).to.deep.equal([
      { start: '2026-01-10T10:00:00.000Z', count: 1, groups: { 'doc.delete': 1 } },
      { start: '2026-01-10T11:00:00.000Z', count: 2, groups: { 'user.login': 2 } },
    ]);
  });

  it('buckets by day and by minute', async () => {
    const daily = await stats({ start_time: '2026-01-09T12:00:00Z', end_time: '2026-01-12T00:00:00Z', interval: 'day', group_by: 'user_id' });
    expect(daily.buckets.map((b: { start: string; count: number }) => [b.start, b.count])).to.deep.equal([
      ['2026-01-09T00:00:00.000Z', 0],
      ['2026-01-10T00:00:00.000Z', 7],
      ['2026-01-11T00:00:00.000Z', 1],
    ]);
    expect(daily.top).to.deep.equal([
      { key: 'alice', count: 4 },
      { key: 'carol', count: 2 },
      { key: 'bob', count: 1 },
      { key: 'dave', count: 1 },
    ]);
    const minutes = await stats({ start_time: '2026-01-10T10:58:00Z', end_time: '2026-01-10T11:02:00Z', interval: 'minute' });
    expect(minutes.buckets).to.deep.equal([
      { start: '2026-01-10T10:58:00.000Z', count: 0, groups: {} },
      { start: '2026-01-10T10:59:00.000Z', count: 1, groups: { ERROR: 1 } },
      { start: '2026-01-10T11:00:00.000Z', count: 2, groups: { WARNING: 2 } },
      { start: '2026-01-10T11:01:00.000Z', count: 0, groups: {} },
    ]);
  });

  it('counts events without a group value in count but not in groups', async () => {
    const body = await stats({ start_time: '2026-01-10T11:00:00Z', end_time: '2026-01-10T12:00:00Z', group_by: 'resource' });
    expect(body.buckets).to.deep.equal([{ start: '2026-01-10T11:00:00.000Z', count: 2, groups: {} }]);
  });

  it('applies the search filters, q included', async () => {
    const range = { start_time: '2026-01-10T00:00:00Z', end_time: '2026-01-12T00:00:00Z', interval: 'day' };
    expect((await stats({ ...range, action: 'user.login' })).total).to.equal(5);
    expect((await stats({ ...range, severity: 'error,critical', user_id: 'alice' })).total).to.equal(1);
    expect((await stats({ ...range, q: 'purged' })).top).to.deep.equal([{ key: 'ERROR', count: 1 }]);
    expect((await stats({ ...range, resource: 'document', group_by: 'action' })).top).to.deep.equal([
      { key: 'doc.delete', count: 2 },
      { key: 'doc.update', count: 1 },
    ]);
  });

  it('keeps the 10 largest keys in top and in each bucket', async () => {
    const users = Array.from({ length: 12 }, (_, u) => times(u + 1, { user_id: `user-${String(u + 1).padStart(2, '0')}`, event_timestamp: '2026-01-20T05:05:05Z' })).flat();
    await seedLogs(system, tenantId, users);
    const body = await stats({ start_time: '2026-01-20T05:00:00Z', end_time: '2026-01-20T06:00:00Z', group_by: 'user_id' });
    const expected = Array.from({ length: 10 }, (_, i) => ({ key: `user-${String(12 - i).padStart(2, '0')}`, count: 12 - i }));
    expect(body.total).to.equal(78);
    expect(body.top).to.deep.equal(expected);
    expect(body.buckets).to.deep.equal([{ start: '2026-01-20T05:00:00.000Z', count: 78, groups: Object.fromEntries(expected.map((t) => [t.key, t.count])) }]);
  });

  it('defaults to the last 24 hours', async () => {
    const now = Date.now();
    await seedLogs(system, tenantId, [
      validEvent({ event_timestamp: new Date(now - 3_600_000).toISOString() }),
      validEvent({ event_timestamp: new Date(now - 2 * 3_600_000).toISOString() }),
      validEvent({ event_timestamp: new Date(now - 25 * 3_600_000).toISOString() }),
    ]);
    const body = await stats({});
    expect(body.total).to.equal(2);
    expect(body.interval).to.equal('hour');
    const [start, end] = [Date.parse(body.start_time), Date.parse(body.end_time)];
    expect(end - start).to.equal(24 * 3_600_000);
    expect(end).to.be.within(now, Date.now());
    expect(body.buckets.length).to.be.oneOf([24, 25]);
    expect(body.buckets[0].start).to.equal(new Date(Math.floor(start / 3_600_000) * 3_600_000).toISOString());
  });

  it('answers an admin for the named tenant only', async () => {
    const body = await stats({ tenant_id: tenantId, start_time: '2026-01-10T00:00:00Z', end_time: '2026-01-11T00:00:00Z', interval: 'day' }, tokenFor(system, 'admin'));
    expect(body.total).to.equal(7);
  });
});
