import type { Pool } from 'pg';
import type { RateLimitPolicy } from '../adapters/redis/tenant-rate-limiter';
import { isUuid } from '../domain/uuid-text';
import type { TenantLookup } from './tenant-scope';

export interface TenantDirectory extends TenantLookup {
  /** The tenant's own limits, null when it uses the defaults, undefined when there is no such tenant. */
  rateLimitOf(tenantId: string): Promise<RateLimitPolicy | null | undefined>;
  /** Drops a cached entry after a change made by this process (other replicas see it within the TTL). */
  forget(tenantId: string): void;
}

interface Entry {
  rateLimit: RateLimitPolicy | null;
  fetchedAt: number;
}

/**
 * Every authenticated request asks whether its tenant exists and what its limits are, so answers
 * are cached briefly. Only found tenants are cached: tenants are never deleted, so a cached "exists"
 * cannot go stale, while a tenant created on another replica is seen at once. Limit changes reach
 * other replicas within `ttlMs`.
 */
export function createTenantDirectory(pool: Pool, { ttlMs = 10_000, maxEntries = 10_000 } = {}): TenantDirectory {
  const cache = new Map<string, Entry>();

  async function lookup(tenantId: string): Promise<Entry | undefined> {
    if (!isUuid(tenantId)) return undefined;
    const key = tenantId.toLowerCase();
    const cached = cache.get(key);
    if (cached && Date.now() - cached.fetchedAt < ttlMs) return cached;
    const result = await pool.query<{ rate_limit_per_second: number | null; rate_limit_burst: number | null }>(
      'SELECT rate_limit_per_second, rate_limit_burst FROM tenants WHERE id = $1',
      [key],
    );
    const row = result.rows[0];
    if (!row) return undefined;
    const entry: Entry = {
      rateLimit: row.rate_limit_per_second !== null && row.rate_limit_burst !== null ? { perSecond: row.rate_limit_per_second, burst: row.rate_limit_burst } : null,
      fetchedAt: Date.now(),
    };
    cache.delete(key);
    if (cache.size >= maxEntries) cache.delete(cache.keys().next().value as string);
    cache.set(key, entry);
    return entry;
  }

  return {
    exists: async (tenantId) => (await lookup(tenantId)) !== undefined,
    rateLimitOf: async (tenantId) => (await lookup(tenantId))?.rateLimit,
    forget: (tenantId) => void cache.delete(tenantId.toLowerCase()),
  };
}
