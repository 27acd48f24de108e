import type { Tenant } from '../../adapters/postgres/tenants-repository';
import type { RateLimitPolicy } from '../../adapters/redis/tenant-rate-limiter';
import type { TenantView } from '../../domain/tenant';

/** A tenant as the API shows it: the limits that apply (its own or the defaults) and whether it is suspended. */
export function tenantView(tenant: Tenant, defaults: RateLimitPolicy): TenantView {
  const own = tenant.rate_limit_per_second !== null && tenant.rate_limit_burst !== null;
  return {
    id: tenant.id,
    name: tenant.name,
    retention_days: tenant.retention_days,
    rate_limit: own
      ? { per_second: tenant.rate_limit_per_second as number, burst: tenant.rate_limit_burst as number, is_default: false }
      : { per_second: defaults.perSecond, burst: defaults.burst, is_default: true },
    suspended: tenant.suspended_at !== null,
    created_at: tenant.created_at,
    updated_at: tenant.updated_at,
  };
}
