import type { Context } from 'koa';
import type { Principal } from '../domain/auth';
import { isUuid } from '../domain/uuid-text';
import { problems } from './problem';


export interface TenantLookup {
  exists(tenantId: string): Promise<boolean>;
}

/** A `tenant_id` query parameter, when present, is one well-formed UUID: refused (400) from every caller otherwise. */
export function checkTenantIdParameter(requested: unknown): asserts requested is string | undefined {
  if (requested !== undefined && (typeof requested !== 'string' || !isUuid(requested))) {
    throw problems.badRequest('tenant_id must be a single UUID.', [{ path: '/tenant_id', message: 'must be a UUID' }]);
  }
}

/** A token's own tenant must exist: otherwise the caller is unauthenticated, on every route. */
export async function requireTokenTenant(tenantId: string, tenants: TenantLookup): Promise<string> {
  if (!(await tenants.exists(tenantId))) throw problems.unauthorized("The token's tenant does not exist.");
  return tenantId.toLowerCase();
}

/**
 * The tenant a request acts on, for HTTP routes and the live-tail upgrade alike: the token's
 * tenant, or for a platform admin the `tenant_id` query parameter. Never a body field. A malformed
 * `tenant_id` is refused from every caller (the document's uuid format says so); a well-formed one
 * is ignored unless the caller is a platform admin (the token's tenant always wins).
 */
export async function tenantOf(principal: Principal | undefined, requested: unknown, tenants: TenantLookup): Promise<string> {
  if (!principal) throw problems.unauthorized('A valid bearer token is required.');
  checkTenantIdParameter(requested);
  if (principal.role === 'admin' && !principal.tokenTenantId) {
    if (requested === undefined) {
      throw problems.badRequest('An admin must name the tenant with the tenant_id query parameter (a UUID).', [{ path: '/tenant_id', message: 'is required' }]);
    }
    if (!(await tenants.exists(requested))) throw problems.notFound('No such tenant.');
    return requested.toLowerCase();
  }
  return requireTokenTenant(principal.tokenTenantId as string, tenants);
}

export async function resolveTenant(ctx: Context, tenants: TenantLookup): Promise<string> {
  return tenantOf(ctx.state.principal, ctx.query.tenant_id, tenants);
}
