import { expect } from 'chai';
import { readTarget, restoredIndexName } from '../../adapters/opensearch/restored-copies';

const TENANT = '0b6f4a52-7c3e-4f0e-9d5c-1a2b3c4d5e6f';
const INDEX = 'audit-logs';

describe('reads with and without restored copies', () => {
  it('reads the live index alone unless include_restored is set', () => {
    const target = readTarget(INDEX, TENANT, { user_id: 'alice' });
    expect(target.index).to.equal(INDEX);
    expect(target.ignoreUnavailable).to.equal(false);
    expect(JSON.stringify(target.query)).not.to.include('restore');
  });

  it('with include_restored reads both indices, the tenant clause first, and hides expired copies', () => {
    const target = readTarget(INDEX, TENANT, { include_restored: true, q: 'tenant_id:other' });
    expect(target.index).to.deep.equal([INDEX, restoredIndexName(INDEX)]);
    const bool = (target.query as { bool: { filter: unknown[]; must_not: unknown[] } }).bool;
    expect(bool.filter[0]).to.deep.equal({ term: { tenant_id: TENANT } });
    expect(bool.must_not).to.deep.equal([{ range: { restore_expires_at: { lte: 'now' } } }]);
    expect(target.sourceExcludes).to.include.members(['metadata_text', 'restore_id', 'restore_expires_at']);
  });
});
