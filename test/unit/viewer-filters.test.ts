import { expect } from 'chai';
import { tenantFilterQuery } from '../../adapters/opensearch/filter-query';
import type { LogFilter } from '../../domain/log-filter';
import { readsOnlyViews } from '../../domain/read-audit';
import { narrowToFixed, withinFixed } from '../../domain/viewer-filters';
import { tenantFilterSql } from '../../features/export/filter-sql';
import { compileLiveFilter } from '../../features/live-tail/event-filter';

const TENANT = '0b6f4a52-7c3e-4f0e-9d5c-1a2b3c4d5e6f';
const FIXED = { user_id: 'alice', resource: 'invoice' };

describe("viewer tokens' fixed filters", () => {
  it('leaves a filter alone when the token has none', () => {
    const filter = { user_id: 'bob', q: 'x' };
    expect(narrowToFixed(filter, undefined)).to.equal(filter);
  });

  it('adds the fixed fields a request leaves open, and keeps its other filters', () => {
    const request: LogFilter = { action: 'invoice.paid', severity: ['ERROR'] };
    expect(narrowToFixed(request, FIXED)).to.deep.equal({ action: 'invoice.paid', severity: ['ERROR'], ...FIXED });
  });

  it('keeps a request filter equal to a fixed one', () => {
    expect(narrowToFixed({ user_id: 'alice' }, FIXED)).to.deep.equal(FIXED);
  });

  it('matches nothing, never the other value, when a request filter disagrees with a fixed one', () => {
    for (const request of [{ user_id: 'bob' }, { resource: 'order' }, { user_id: 'bob', resource: 'order' }]) {
      expect(narrowToFixed(request, FIXED), JSON.stringify(request)).to.deep.equal({ ...FIXED, matches_nothing: true });
    }
  });

  it('is applied again harmlessly (a cursor may carry a narrowed filter)', () => {
    const once = narrowToFixed({ user_id: 'bob' }, FIXED);
    expect(narrowToFixed(once, FIXED)).to.deep.equal(once);
  });

  it('decides whether one event is inside the fixed filters', () => {
    expect(withinFixed({ user_id: 'alice', resource: 'invoice', resource_id: 'r-1' }, FIXED)).to.equal(true);
    expect(withinFixed({ user_id: 'alice', resource: null, resource_id: null }, FIXED)).to.equal(false);
    expect(withinFixed({ user_id: 'bob', resource: 'invoice', resource_id: null }, FIXED)).to.equal(false);
    expect(withinFixed({ user_id: 'bob', resource: null, resource_id: null }, undefined)).to.equal(true);
  });

  it('makes every query matching nothing match nothing in each store', () => {
    const query = tenantFilterQuery(TENANT, { matches_nothing: true }) as { bool: { filter: unknown[] } };
    expect(query.bool.filter).to.deep.include({ match_none: {} });
    expect(tenantFilterSql(TENANT, { matches_nothing: true }).where).to.match(/ AND FALSE$/);
    expect(compileLiveFilter({ matches_nothing: true })({ user_id: 'alice' } as never)).to.equal(false);
  });
});

describe('audited reads: which reads are views of views', () => {
  it('exempts only reads asking for action=audit_log.viewed', () => {
    expect(readsOnlyViews({ action: 'audit_log.viewed' })).to.equal(true);
    expect(readsOnlyViews({})).to.equal(false);
    expect(readsOnlyViews({ action: 'user.login' })).to.equal(false);
  });
});
