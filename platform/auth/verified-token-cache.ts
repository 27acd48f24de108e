import type { Principal } from '../../domain/auth';

interface Entry {
  principal: Readonly<Principal>;
  validUntil: number;
}

/**
 * Principals of the bearer tokens this process verified lately, keyed by the whole Authorization
 * header, so a client that sends the same token again skips signature verification and claim
 * validation (about a quarter of a millisecond of each search in a CPU profile). An entry lasts
 * until its token expires or `maxAgeMs` passes, whichever comes first: the age bound keeps a token
 * signed by a key since removed from the JWKS from being trusted much longer than jwks-rsa's own key
 * cache would. Only tokens that verified are kept, `maxEntries` at most (the oldest go first).
 * Revocation and suspension are still checked on every request (CallerAccess), never cached here.
 */
export function createVerifiedTokenCache({ maxAgeMs = 60_000, maxEntries = 10_000 } = {}) {
  const entries = new Map<string, Entry>();

  return {
    get(header: string): Readonly<Principal> | undefined {
      const entry = entries.get(header);
      if (!entry) return undefined;
      if (Date.now() < entry.validUntil) return entry.principal;
      entries.delete(header);
      return undefined;
    },

    remember(header: string, principal: Principal, expiresAt: Date): void {
      if (!entries.has(header) && entries.size >= maxEntries) entries.delete(entries.keys().next().value as string);
      // Shared by every request that presents the token: frozen, so no request can change another's caller.
      const frozen = Object.freeze({ ...principal, ...(principal.filters ? { filters: Object.freeze({ ...principal.filters }) } : {}) });
      entries.set(header, { principal: frozen, validUntil: Math.min(expiresAt.getTime(), Date.now() + maxAgeMs) });
    },
  };
}

export type VerifiedTokenCache = ReturnType<typeof createVerifiedTokenCache>;
