import Router from '@koa/router';
import { Type, type TSchema } from '@sinclair/typebox';
import {
  checkRateLimitRule,
  checkTokenRequestRule,
  IssuedTokenSchema,
  TenantCreateSchema,
  TenantSchema,
  TenantUpdateSchema,
  tokenRequestSchema,
} from '../../domain/tenant';
import { type TenantAdmin } from '../../features/tenancy/tenant-admin';
import type { TenantSuspension } from '../../features/tenancy/tenant-suspension';
import { compileBody, compileQuery } from '../../platform/validation/ajv';
import type { FieldError } from '../../platform/validation/field-error';
import { allowPlatformAdmin } from '../middleware/authenticate';
import { jsonBody } from '../middleware/json-body';
import type { RouteDoc } from '../openapi/route-doc';
import { problems } from '../problem';
import { isUuid } from '../../domain/uuid-text';

export const TENANT_BODY_LIMIT = 16 * 1024;
export const NO_SUCH_TENANT = 'No such tenant.';

/** `page` and `page_size` of an admin's lists (tenants, a tenant's tokens). */
export function listQuerySchema(things: string) {
  return Type.Object(
    {
      page: Type.Integer({ minimum: 1, maximum: 100_000, default: 1, description: '1-based page number.' }),
      page_size: Type.Integer({ minimum: 1, maximum: 500, default: 100, description: `${things} per page, 1–500.` }),
    },
    { additionalProperties: false },
  );
}
const ListQuerySchema = listQuerySchema('Tenants');
export const TenantIdParam = Type.Object({ id: Type.String({ format: 'uuid', description: 'The tenant id.' }) });
const TenantListSchema = Type.Object({ items: Type.Array(TenantSchema), page: Type.Integer(), page_size: Type.Integer(), total: Type.Integer() });

const validateCreate = compileBody(TenantCreateSchema);
const validateUpdate = compileBody(TenantUpdateSchema);
const validateList = compileQuery(ListQuerySchema);

export function parse<T>(result: { ok: true; value: T } | { ok: false; errors: FieldError[] }, rules: (value: T) => FieldError[] = () => []): T {
  if (!result.ok) throw problems.validationFailed(result.errors);
  const broken = rules(result.value);
  if (broken.length > 0) throw problems.validationFailed(broken);
  return result.value;
}

export const tenantIdOf = (id: string | undefined): string => {
  if (!id || !isUuid(id)) throw problems.notFound(NO_SUCH_TENANT);
  return id.toLowerCase();
};

/** Tenants and their tokens: platform admins only (an admin token bound to a tenant is refused). */
export function tenantsRoutes(deps: { admin: TenantAdmin; suspension: TenantSuspension; maxTtlSeconds: number }): Router {
  const router = new Router();
  const validateToken = compileBody(tokenRequestSchema(deps.maxTtlSeconds));
  const platformAdmin = allowPlatformAdmin();

  router.post('/tenants', platformAdmin, jsonBody(TENANT_BODY_LIMIT), async (ctx) => {
    const input = parse(validateCreate(ctx.request.body), (value) => checkRateLimitRule(value.rate_limit));
    const tenant = await deps.admin.create(input, ctx.state.principal?.sub as string);
    ctx.status = 201;
    ctx.set('Location', `/api/v1/tenants/${tenant.id}`);
    ctx.body = tenant;
  });

  router.get('/tenants', platformAdmin, async (ctx) => {
    const { page, page_size: pageSize } = parse(validateList({ ...ctx.query }));
    ctx.body = await deps.admin.list(page, pageSize);
  });

  router.get('/tenants/:id', platformAdmin, async (ctx) => {
    const tenant = await deps.admin.get(tenantIdOf(ctx.params.id));
    if (!tenant) throw problems.notFound(NO_SUCH_TENANT);
    ctx.body = tenant;
  });

  router.patch('/tenants/:id', platformAdmin, jsonBody(TENANT_BODY_LIMIT), async (ctx) => {
    const tenantId = tenantIdOf(ctx.params.id);
    const changes = parse(validateUpdate(ctx.request.body), (value) => checkRateLimitRule(value.rate_limit));
    const tenant = await deps.admin.update(tenantId, changes, ctx.state.principal?.sub as string);
    if (!tenant) throw problems.notFound(NO_SUCH_TENANT);
    ctx.body = tenant;
  });

  router.post('/tenants/:id/tokens', platformAdmin, jsonBody(TENANT_BODY_LIMIT), async (ctx) => {
    const tenantId = tenantIdOf(ctx.params.id);
    const request = parse(validateToken(ctx.request.body), checkTokenRequestRule);
    const issued = await deps.admin.mintToken(tenantId, request, ctx.state.principal?.sub as string);
    if (!issued) throw problems.notFound(NO_SUCH_TENANT);
    ctx.status = 201;
    ctx.body = issued;
  });

  for (const action of ['suspend', 'resume'] as const) {
    router.post(`/tenants/:id/${action}`, platformAdmin, async (ctx) => {
      const tenant = await deps.suspension[action](tenantIdOf(ctx.params.id), ctx.state.principal?.sub as string);
      if (!tenant) throw problems.notFound(NO_SUCH_TENANT);
      ctx.body = tenant;
    });
  }

  return router;
}

export const ADMIN: RouteDoc['roles'] = ['admin'];
export const PLATFORM_ADMIN_NOTE = 'Platform admins only: an admin token that carries tenant_id gets 403.';

export function tenantsRouteDocs(maxTtlSeconds: number): RouteDoc[] {
  const body = (schema: TSchema) => ({ schema, maxBytes: TENANT_BODY_LIMIT });
  const notFound = { 404: { description: 'No such tenant (also for an id that is not a UUID).' } };
  return [
    {
      method: 'post', path: '/api/v1/tenants', summary: 'Create a tenant', tags: ['tenants'], roles: ADMIN,
      description: `${PLATFORM_ADMIN_NOTE} Records a tenant.created event in the new tenant's log.`,
      body: body(TenantCreateSchema),
      responses: {
        201: { description: 'Created.', schema: TenantSchema, headers: { Location: 'The new tenant.' } },
        409: { description: 'A tenant with this name (compared without regard to case) exists.' },
        422: { description: 'Invalid fields, each named by its path.' },
      },
    },
    {
      method: 'get', path: '/api/v1/tenants', summary: 'List tenants', tags: ['tenants'], roles: ADMIN, description: `${PLATFORM_ADMIN_NOTE} Oldest first.`,
      query: ListQuerySchema,
      responses: { 200: { description: 'One page of tenants.', schema: TenantListSchema }, 422: { description: 'Invalid page or page_size.' } },
    },
    {
      method: 'get', path: '/api/v1/tenants/{id}', summary: 'Read a tenant', tags: ['tenants'], roles: ADMIN, description: PLATFORM_ADMIN_NOTE,
      pathParams: TenantIdParam,
      responses: { 200: { description: 'The tenant.', schema: TenantSchema }, ...notFound },
    },
    {
      method: 'patch', path: '/api/v1/tenants/{id}', summary: "Change a tenant's name, retention or rate limit", tags: ['tenants'], roles: ADMIN,
      description: `${PLATFORM_ADMIN_NOTE} The change and a tenant.updated event (before and after) in the tenant's log commit together; a request that changes nothing records nothing. Other replicas apply new rate limits within 10 seconds.`,
      pathParams: TenantIdParam,
      body: body(TenantUpdateSchema),
      responses: {
        200: { description: 'The tenant after the change.', schema: TenantSchema },
        ...notFound,
        409: { description: 'The name is taken, or the tenant changed concurrently.' },
        422: { description: 'Invalid fields, each named by its path.' },
      },
    },
    {
      method: 'post', path: '/api/v1/tenants/{id}/tokens', summary: 'Mint a token for a tenant', tags: ['tenants'], roles: ADMIN,
      description: `${PLATFORM_ADMIN_NOTE} Roles user, auditor or viewer only: admin tokens are never bound to a tenant through the API (mint them with the command-line tool). ttl_seconds is bounded (at most ${maxTtlSeconds}; at most 3600 for a viewer). A viewer token reads only, through its optional fixed filters (user_id, resource, resource_id), which every read narrows to on the server; filters on another role are a 422. Records a token.issued event (subject, role, expiry and token id, never the token) in the tenant's log.`,
      pathParams: TenantIdParam,
      body: body(tokenRequestSchema(maxTtlSeconds)),
      responses: {
        201: { description: 'The token; it is shown only here.', schema: IssuedTokenSchema },
        ...notFound,
        422: { description: 'Invalid fields, each named by its path.' },
        501: { description: 'This deployment verifies tokens but holds no signing key.' },
      },
    },
    {
      method: 'post', path: '/api/v1/tenants/{id}/suspend', summary: 'Suspend a tenant', tags: ['tenants'], roles: ADMIN,
      description: `${PLATFORM_ADMIN_NOTE} From then on (within a second, on every API process) every token of the tenant gets 401 saying the tenant is suspended, and its live-tail connections are closed with 4401. Platform admin tokens keep working on it. Its logs stay and retention keeps archiving and deleting them on schedule. Records a tenant.suspended event in the tenant's log; suspending a suspended tenant changes and records nothing.`,
      pathParams: TenantIdParam,
      responses: { 200: { description: 'The tenant, suspended.', schema: TenantSchema }, ...notFound },
    },
    {
      method: 'post', path: '/api/v1/tenants/{id}/resume', summary: 'Resume a suspended tenant', tags: ['tenants'], roles: ADMIN,
      description: `${PLATFORM_ADMIN_NOTE} Its tokens (those not revoked or expired) are accepted again. Records a tenant.resumed event in the tenant's log; resuming a tenant that is not suspended changes and records nothing.`,
      pathParams: TenantIdParam,
      responses: { 200: { description: 'The tenant, no longer suspended.', schema: TenantSchema }, ...notFound },
    },
  ];
}
