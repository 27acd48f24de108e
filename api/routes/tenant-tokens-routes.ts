import Router from '@koa/router';
import { Type } from '@sinclair/typebox';
import { TokenRecordSchema } from '../../domain/tenant';
import type { TokenRevocation } from '../../features/tenancy/token-revocation';
import { compileQuery } from '../../platform/validation/ajv';
import { allowPlatformAdmin } from '../middleware/authenticate';
import type { RouteDoc } from '../openapi/route-doc';
import { problems } from '../problem';
import { isUuid } from '../../domain/uuid-text';
import { ADMIN, listQuerySchema, NO_SUCH_TENANT, parse, PLATFORM_ADMIN_NOTE, tenantIdOf, TenantIdParam } from './tenants-routes';

const ListQuerySchema = listQuerySchema('Tokens');
const TokenListSchema = Type.Object({ items: Type.Array(TokenRecordSchema), page: Type.Integer(), page_size: Type.Integer(), total: Type.Integer() });
const TokenParams = Type.Object({
  id: Type.String({ format: 'uuid', description: 'The tenant id.' }),
  token_id: Type.String({ format: 'uuid', description: 'The token id (its jti claim, returned when it was minted).' }),
});
const validateList = compileQuery(ListQuerySchema);
const NO_SUCH_TOKEN = 'The tenant has no token with this id.';

/** A tenant's minted tokens: listed and revoked by platform admins only. */
export function tenantTokensRoutes(deps: { revocation: TokenRevocation }): Router {
  const router = new Router();
  const platformAdmin = allowPlatformAdmin();

  router.get('/tenants/:id/tokens', platformAdmin, async (ctx) => {
    const tenantId = tenantIdOf(ctx.params.id);
    const { page, page_size: pageSize } = parse(validateList({ ...ctx.query }));
    const listed = await deps.revocation.list(tenantId, page, pageSize);
    if (!listed) throw problems.notFound(NO_SUCH_TENANT);
    ctx.body = listed;
  });

  router.delete('/tenants/:id/tokens/:token_id', platformAdmin, async (ctx) => {
    const tenantId = tenantIdOf(ctx.params.id);
    const tokenId = ctx.params.token_id;
    if (!tokenId || !isUuid(tokenId)) throw problems.notFound(NO_SUCH_TOKEN);
    if (!(await deps.revocation.revoke(tenantId, tokenId.toLowerCase(), ctx.state.principal?.sub as string))) throw problems.notFound(NO_SUCH_TOKEN);
    ctx.status = 204;
  });

  return router;
}

export const tenantTokensRouteDocs: RouteDoc[] = [
  {
    method: 'get', path: '/api/v1/tenants/{id}/tokens', summary: "List a tenant's minted tokens", tags: ['tenants'], roles: ADMIN,
    description: `${PLATFORM_ADMIN_NOTE} Newest first. Every token minted through POST /tenants/{id}/tokens or the command-line tool, never the token itself. last_used_at is recorded coarsely (up to a minute late). Tokens signed outside the service (no jti) are not listed and cannot be revoked one by one; suspending the tenant refuses them too.`,
    pathParams: TenantIdParam,
    query: ListQuerySchema,
    responses: {
      200: { description: 'One page of tokens.', schema: TokenListSchema },
      404: { description: 'No such tenant (also for an id that is not a UUID).' },
      422: { description: 'Invalid page or page_size.' },
    },
  },
  {
    method: 'delete', path: '/api/v1/tenants/{id}/tokens/{token_id}', summary: 'Revoke a token', tags: ['tenants'], roles: ADMIN,
    description: `${PLATFORM_ADMIN_NOTE} From then on (within a second, on every API process) the token gets 401 and live-tail connections opened with it are closed with 4401. Records a token.revoked event in the tenant's log the first time; revoking again is 204 and records nothing.`,
    pathParams: TokenParams,
    responses: {
      204: { description: 'The token is revoked.' },
      404: { description: 'No such tenant, or the tenant has no token with this id.' },
    },
  },
];
