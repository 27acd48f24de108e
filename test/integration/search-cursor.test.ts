import { expect } from 'chai';
import type { LogEvent } from '../../domain/log-event';
import { createTenant, tokenFor, validEvent } from '../support/fixtures';
import { seedLogs } from '../support/seed-logs';
import { testSystem, type TestSystem } from '../support/system';

const EVENT_COUNT = 10_500;
const BASE = Date.parse('2026-02-01T00:00:00.000Z');
const SEVERITIES = ['INFO', 'WARNING', 'ERROR'];

const newestFirst = (a: LogEvent, b: LogEvent) => b.event_timestamp.localeCompare(a.event_timestamp) || b.id.localeCompare(a.id);

describe('GET /logs with next_cursor: deep paging past 10,000 and tamper-safe cursors', function () {
  this.timeout(300_000);
  let system: TestSystem;
  let tenantId: string;
  let otherTenant: string;
  let token: string;
  let seeded: LogEvent[];

  const get = (params: Record<string, string>, as = token) => system.api.http.get(`/api/v1/logs?${new URLSearchParams(params).toString()}`, { token: as });

  /** Follows next_cursor from the first page to the last, with only the cursor after the first request. */
  async function walk(first: Record<string, string>) {
    const ids: string[] = [];
    const pages: number[] = [];
    let response = await get(first);
    for (;;) {
      expect(response.status, JSON.stringify(response.body)).to.equal(200);
      ids.push(...response.body.items.map((e: LogEvent) => e.id));
      pages.push(response.body.page);
      if (response.body.next_cursor === null) return { ids, pages, first: response.body };
      response = await get({ cursor: response.body.next_cursor });
    }
  }

  before(async () => {
    system = await testSystem();
    tenantId = await createTenant(system);
    otherTenant = await createTenant(system);
    token = tokenFor(system, 'user', tenantId);
    // Groups of seven events share one millisecond, so the order relies on the id tie-breaker.
    const inputs = Array.from({ length: EVENT_COUNT }, (_, i) =>
      validEvent({ severity: SEVERITIES[i % 3], event_timestamp: new Date(BASE - Math.floor(i / 7) * 1000).toISOString(), message: `event ${i}` }),
    );
    seeded = await seedLogs(system, tenantId, inputs);
    await seedLogs(system, otherTenant, inputs.slice(0, 50));
  });

  it('visits each of more than 10,000 matching events exactly once, in order', async () => {
    const { ids, pages } = await walk({ page_size: '100' });
    expect(ids.length).to.equal(EVENT_COUNT);
    expect(new Set(ids).size).to.equal(EVENT_COUNT);
    expect(ids).to.deep.equal([...seeded].sort(newestFirst).map((e) => e.id));
    expect(pages).to.deep.equal(Array.from({ length: EVENT_COUNT / 100 }, (_, i) => i + 1));
  });

  it('carries filters and ascending sort in the cursor', async () => {
    const errors = seeded.filter((e) => e.severity === 'ERROR');
    const { ids } = await walk({ severity: 'ERROR', sort: 'event_timestamp:asc', page_size: '100' });
    expect(ids).to.deep.equal([...errors].sort(newestFirst).reverse().map((e) => e.id));
  });

  it('reports an exact total across pages and continues past the numbered-page window', async () => {
    const last = await get({ page: '100', page_size: '100' });
    expect(last.body).to.include({ total: EVENT_COUNT, total_relation: 'eq', page: 100 });
    const beyond = await get({ cursor: last.body.next_cursor });
    expect(beyond.body.page).to.equal(101);
    expect(beyond.body.items.map((e: LogEvent) => e.id)).to.deep.equal([...seeded].sort(newestFirst).slice(10_000, 10_100).map((e) => e.id));
  });

  it('accepts the same filters again and a new page_size with a cursor', async () => {
    const first = await get({ severity: 'error', user_id: 'alice', page_size: '5' });
    const again = await get({ cursor: first.body.next_cursor, user_id: 'alice', severity: 'ERROR', page_size: '7' });
    expect(again.status).to.equal(200);
    expect(again.body).to.include({ page: 2, page_size: 7 });
    const expected = seeded.filter((e) => e.severity === 'ERROR').sort(newestFirst).slice(5, 12).map((e) => e.id);
    expect(again.body.items.map((e: LogEvent) => e.id)).to.deep.equal(expected);
  });

  it('answers 400 for a cursor with different filters, another sort, or with page', async () => {
    const first = await get({ severity: 'ERROR', page_size: '5' });
    const cursor = first.body.next_cursor as string;
    for (const params of [{ severity: 'INFO' }, { severity: 'ERROR', user_id: 'alice' }, { user_id: 'alice' }, { sort: 'event_timestamp:asc' }, { page: '2' }] as Record<string, string>[]) {
      const response = await get({ cursor, ...params });
      expect(response.status, JSON.stringify(params)).to.equal(400);
      expect(response.body.errors[0].path).to.be.oneOf(['/cursor', '/page']);
    }
  });

  it("answers 400 for another tenant's cursor, also when an admin names a different tenant", async () => {
    const foreign = await get({ page_size: '5' }, tokenFor(system, 'user', otherTenant));
    expect(foreign.body.next_cursor).to.be.a('string');
    const response = await get({ cursor: foreign.body.next_cursor });
    expect(response.status).to.equal(400);
    expect(response.body.errors).to.deep.equal([{ path: '/cursor', message: 'was issued for another tenant' }]);
    expect(JSON.stringify(response.body)).not.to.contain(otherTenant);
    const admin = tokenFor(system, 'admin');
    const asAdmin = await get({ cursor: foreign.body.next_cursor, tenant_id: tenantId }, admin);
    expect(asAdmin.status).to.equal(400);
    expect((await get({ cursor: foreign.body.next_cursor, tenant_id: otherTenant }, admin)).status).to.equal(200);
  });

  it('answers 400 for a modified or forged cursor', async () => {
    const first = await get({ page_size: '5' });
    const cursor = first.body.next_cursor as string;
    const [body, signature] = cursor.split('.') as [string, string];
    const state = JSON.parse(Buffer.from(body, 'base64url').toString());
    const moved = Buffer.from(JSON.stringify({ ...state, t: otherTenant })).toString('base64url');
    const flipped = `${body.slice(0, -2)}${body.at(-2) === 'A' ? 'B' : 'A'}${body.at(-1)}`;
    for (const tampered of [`${moved}.${signature}`, `${flipped}.${signature}`, `${body}.${signature.slice(1)}`, `${body}.`, body, 'not-a-cursor', `${cursor}.x`]) {
      const response = await get({ cursor: tampered });
      expect(response.status, tampered).to.equal(400);
      expect(response.body.errors[0].path).to.equal('/cursor');
    }
  });
});
