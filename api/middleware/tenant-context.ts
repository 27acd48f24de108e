import type { Middleware } from 'koa';
import type { TenantDirectory } from '../tenant-directory';
import { isUuid } from '../../domain/uuid-text';
import { requireTokenTenant } from '../tenant-scope';

/**
 * After authentication: a token whose tenant does not exist is unauthenticated (401) on every
 * route. Records the tenant the request acts on in ctx.state.tenantId.
 */
export function tenantContext(tenants: TenantDirectory): Middleware {
  return async (ctx, next) => {
    const principal = ctx.state.principal;
    if (principal?.tokenTenantId) {
      ctx.state.tenantId = await requireTokenTenant(principal.tokenTenantId, tenants);
    } else if (typeof ctx.query.tenant_id === 'string' && isUuid(ctx.query.tenant_id)) {
      ctx.state.tenantId = ctx.query.tenant_id.toLowerCase();
    }
    await next();
  };
}
