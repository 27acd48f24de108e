import { expect } from 'chai';
import { tenantFilterQuery } from '../../adapters/opensearch/filter-query';
import { textQueryClause } from '../../adapters/opensearch/text-query';
import { tenantFilterSql } from '../../features/export/filter-sql';

const TENANT = '0b6f4a52-7c3e-4f0e-9d5c-1a2b3c4d5e6f';

describe('search and export query building', () => {
  it('puts the tenant clause first in every OpenSearch query, whatever the filter', () => {
    for (const filter of [{}, { user_id: 'alice' }, { q: 'tenant_id:other' }]) {
      const query = tenantFilterQuery(TENANT, filter) as { bool: { filter: unknown[] } };
      expect(query.bool.filter[0]).to.deep.equal({ term: { tenant_id: TENANT } });
    }
  });

  it('maps every filter to a clause', () => {
    const query = tenantFilterQuery(TENANT, {
      user_id: 'u', action: 'a', resource: 'r', resource_id: 'ri', session_id: 's', ip_address: '::1',
      severity: ['ERROR', 'INFO'], start_time: '2026-01-01T00:00:00.000Z', end_time: '2026-01-02T00:00:00.000Z', q: 'x',
    }) as { bool: { filter: unknown[] } };
    expect(query.bool.filter).to.have.length(10);
    expect(query.bool.filter).to.deep.include({ terms: { severity: ['ERROR', 'INFO'] } });
    expect(query.bool.filter).to.deep.include({
      range: { event_timestamp: { gte: '2026-01-01T00:00:00.000Z', lt: '2026-01-02T00:00:00.000Z', format: 'strict_date_optional_time' } },
    });
    expect(query.bool.filter).to.deep.include(textQueryClause('x'));
  });

  it('never enables fuzzy, slop or near operators in q', () => {
    const { flags } = (textQueryClause('a~2') as { simple_query_string: { flags: string } }).simple_query_string;
    expect(flags.split('|')).to.not.include.members(['ALL', 'FUZZY', 'SLOP', 'NEAR']);
    expect(flags.split('|')).to.include.members(['PHRASE', 'PREFIX', 'AND', 'NOT']);
  });

  it('builds parameterised SQL with the tenant as $1 and values never inlined', () => {
    const sql = tenantFilterSql(TENANT, { user_id: "o'brien", ip_address: '10.0.0.1', severity: ['ERROR'], start_time: '2026-01-01T00:00:00.000Z' });
    expect(sql.where).to.equal('tenant_id = $1 AND user_id = $2 AND ip_address = $3::inet AND severity = ANY($4::text[]) AND event_timestamp >= $5::timestamptz');
    expect(sql.values).to.deep.equal([TENANT, "o'brien", '10.0.0.1', ['ERROR'], '2026-01-01T00:00:00.000Z']);
  });
});
