import { expect } from 'chai';
import type { ArchiveRow } from '../../domain/archive-row';
import { archivedRowLeafHash, eventLeafHash } from '../../domain/integrity/event-leaf';

const EVENT = {
  id: '0190a2b4-0000-7000-8000-000000000001',
  tenant_id: '0190a2b4-0000-7000-8000-0000000000aa',
  received_at: '2026-01-02T03:04:05.678Z',
  action: 'user.login',
  severity: 'INFO',
  user_id: 'u-1',
  session_id: null,
  resource: 'session',
  resource_id: 's-1',
  message: null,
  ip_address: '10.0.0.1',
  user_agent: null,
  before_state: null,
  after_state: { ok: true },
  metadata: { b: 1, a: [1, 2] },
  event_timestamp: '2026-01-02T03:04:05.000Z',
  event_id: null,
} as const satisfies Omit<ArchiveRow, 'seq'>;

describe('integrity: the leaf of an archived row', () => {
  const sealedAt7 = eventLeafHash({ ...EVENT, seq: 7 });

  it('matches the sealed leaf when the line carries its seq, and not at another position', () => {
    expect(archivedRowLeafHash({ ...EVENT, seq: 7 }, 7).equals(sealedAt7)).to.equal(true);
    expect(archivedRowLeafHash({ ...EVENT, seq: 8 }, 7).equals(sealedAt7)).to.equal(false);
  });

  it('takes the leaf seq for a row archived before it was sealed (seq null) or before sealing existed (no seq)', () => {
    expect(archivedRowLeafHash({ ...EVENT, seq: null }, 7).equals(sealedAt7)).to.equal(true);
    expect(archivedRowLeafHash({ ...EVENT }, 7).equals(sealedAt7)).to.equal(true);
  });

  it('still finds a changed field of a row archived unsealed', () => {
    expect(archivedRowLeafHash({ ...EVENT, seq: null, action: 'user.logout' }, 7).equals(sealedAt7)).to.equal(false);
  });
});
