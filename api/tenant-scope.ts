import type { Context } from 'koa';
import { problems } from './problem';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const isUuid = (value: string) => UUID.test(value);

export interface TenantLookup {
  exists(tenantId: string): Promise<boolean>;
}

/**
 * The tenant a request acts on: the token's tenant, or for a platform admin the `tenant_id` query
 * parameter. Never a body field. A token whose tenant does not exist is unauthenticated.
 */
export async function resolveTenant(ctx: Context, tenants: TenantLookup): Promise<string> {
  const principal = ctx.state.principal;
  if (!principal) throw problems.unauthorized('A valid bearer token is required.');
  const requested = ctx.query.tenant_id;
  // Malformed is refused from every caller, as the document's uuid format says; a well-formed one is
  // ignored unless the caller is a platform admin (the token's tenant always wins).
  if (requested !== undefined && (typeof requested !== 'string' || !isUuid(requested))) {
    throw problems.badRequest('tenant_id must be a single UUID.', [{ path: '/tenant_id', message: 'must be a UUID' }]);
  }
  if (principal.role === 'admin' && !principal.tokenTenantId) {
    if (requested === undefined) {
      throw problems.badRequest('An admin must name the tenant with the tenant_id query parameter (a UUID).', [{ path: '/tenant_id', message: 'is required' }]);
    }
    if (!(await tenants.exists(requested))) throw problems.notFound('No such tenant.');
    return requested.toLowerCase();
  }
  const tenantId = principal.tokenTenantId as string;
  if (!(await tenants.exists(tenantId))) throw problems.unauthorized("The token's tenant does not exist.");
  return tenantId.toLowerCase();
}
