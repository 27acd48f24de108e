import { expect } from 'chai';
import { createStreamCursors } from '../../features/live-tail/stream-cursor';

describe('live tail cursors', () => {
  const tenantId = '00000000-0000-4000-8000-000000000001';
  const cursors = createStreamCursors('a stream-cursor test secret of 32 characters or more');
  const now = Date.parse('2026-12-06T10:00:00Z');
  const hourMs = 3600_000;

  it('names the position and when its event was received, inside the window', () => {
    const cursor = cursors.encode({ tenantId, position: 42, receivedAtMs: now - hourMs });
    expect(cursor).to.match(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(cursors.resumePoint(cursor, tenantId, 24 * hourMs, now)).to.deep.equal({ tenantId, position: 42, receivedAtMs: now - hourMs });
  });

  it('refuses with 4410 beyond the window and with 4400 anything this tenant was not given', () => {
    const old = cursors.encode({ tenantId, position: 42, receivedAtMs: now - 25 * hourMs });
    expect(cursors.resumePoint(old, tenantId, 24 * hourMs, now)).to.include({ code: 4410 });
    const fine = cursors.encode({ tenantId, position: 42, receivedAtMs: now });
    const foreignSecret = createStreamCursors('another secret, also of 32 characters or more').encode({ tenantId, position: 42, receivedAtMs: now });
    for (const cursor of ['', 'x', 'a.b', `${fine}.x`, foreignSecret, fine.replace(/^./, (c) => (c === 'e' ? 'f' : 'e'))]) {
      expect(cursors.resumePoint(cursor, tenantId, 24 * hourMs, now), cursor).to.include({ code: 4400 });
    }
    expect(cursors.resumePoint(fine, '00000000-0000-4000-8000-000000000002', 24 * hourMs, now)).to.include({ code: 4400 });
  });
});
