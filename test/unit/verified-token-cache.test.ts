import { expect } from 'chai';
import type { Principal } from '../../domain/auth';
import { createVerifiedTokenCache } from '../../platform/auth/verified-token-cache';

const viewer: Principal = { sub: 'v', role: 'viewer', tokenTenantId: '11111111-1111-4111-8111-111111111111', filters: { resource: 'invoice' } };
const inAnHour = () => new Date(Date.now() + 3600_000);

describe('verified token cache', () => {
  it('answers for a token it was told verified, and for no other header', () => {
    const cache = createVerifiedTokenCache();
    cache.remember('Bearer a', viewer, inAnHour());
    expect(cache.get('Bearer a')).to.deep.equal(viewer);
    expect(cache.get('Bearer b')).to.equal(undefined);
    expect(cache.get('bearer a')).to.equal(undefined);
  });

  it('forgets a token once it has expired, and any token after maxAgeMs', () => {
    const cache = createVerifiedTokenCache();
    cache.remember('Bearer expired', viewer, new Date(Date.now() - 1));
    expect(cache.get('Bearer expired')).to.equal(undefined);
    const ageless = createVerifiedTokenCache({ maxAgeMs: 0 });
    ageless.remember('Bearer a', viewer, inAnHour());
    expect(ageless.get('Bearer a')).to.equal(undefined);
  });

  it('keeps at most maxEntries, dropping the oldest first', () => {
    const cache = createVerifiedTokenCache({ maxEntries: 2 });
    for (const header of ['Bearer 1', 'Bearer 2', 'Bearer 3']) cache.remember(header, viewer, inAnHour());
    expect(['Bearer 1', 'Bearer 2', 'Bearer 3'].map((header) => cache.get(header) !== undefined)).to.deep.equal([false, true, true]);
  });

  it('hands out a frozen copy, so one request cannot change the caller of the next', () => {
    const cache = createVerifiedTokenCache();
    cache.remember('Bearer a', viewer, inAnHour());
    const shared = cache.get('Bearer a') as Principal;
    expect(() => {
      shared.role = 'admin';
    }).to.throw(TypeError);
    expect(() => {
      (shared.filters as { resource?: string }).resource = 'anything';
    }).to.throw(TypeError);
    expect(cache.get('Bearer a')).to.deep.equal(viewer);
  });
});
