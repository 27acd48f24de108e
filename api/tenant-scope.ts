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
  if (principal.role === 'admin' && !principal.tokenTenantId) {
    const requested = ctx.query.tenant_id;
    if (typeof requested !== 'string' || !isUuid(requested)) {
      throw problems.badRequest('An admin must name the tenant with the tenant_id query parameter (a UUID).', [
        { path: '/tenant_id', message: typeof requested === 'string' ? 'must be a UUID' : 'is required' },
      ]);
    }
    if (!(await tenants.exists(requested))) throw problems.notFound('No such tenant.');
    return requested.toLowerCase();
  }
  const tenantId = principal.tokenTenantId as string;
  if (!(await tenants.exists(tenantId))) throw problems.unauthorized("The token's tenant does not exist.");
  return tenantId.toLowerCase();
}
