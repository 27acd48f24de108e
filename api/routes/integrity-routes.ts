import Router from '@koa/router';
import { Type } from '@sinclair/typebox';
import type { IntegrityReader } from '../../features/integrity/integrity-reader';
import type { VerifyRequester } from '../../features/integrity/request-verify';
import { compileBody } from '../../platform/validation/ajv';
import type { FieldError } from '../../platform/validation/field-error';
import { allowRoles } from '../middleware/authenticate';
import { jsonBody } from '../middleware/json-body';
import type { RouteDoc } from '../openapi/route-doc';
import { CheckpointSchema, ConsistencyProofSchema, InclusionProofSchema, JwksSchema } from '../openapi/integrity-schema';
import { TaskIdSchema } from '../openapi/task-schema';
import { ProblemError, problems } from '../problem';
import { queryParser } from '../queries/log-filter-query';
import { isUuid } from '../../domain/uuid-text';
import { checkTenantIdParameter, resolveTenant, type TenantLookup } from '../tenant-scope';

export interface IntegrityRouteDeps {
  tenants: TenantLookup;
  reader: IntegrityReader;
  verify: VerifyRequester;
}

/** Sealing follows ingest within seconds: a client asking for a proof too early is told when to ask again. */
const SEAL_RETRY_AFTER_SECONDS = '2';
const MAX_PAGE = 10_000;

const TenantOnly = { tenant_id: Type.Optional(Type.String({ format: 'uuid', description: 'The tenant; required from a platform admin.' })) };
const TenantQuerySchema = Type.Object(TenantOnly, { additionalProperties: false });
const CheckpointListQuerySchema = Type.Object(
  {
    ...TenantOnly,
    page: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PAGE, default: 1, description: '1-based.' })),
    page_size: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
  },
  { additionalProperties: false },
);
const ConsistencyQuerySchema = Type.Object(
  {
    ...TenantOnly,
    first: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER, description: 'The smaller tree size: that of a signed checkpoint.' }),
    second: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER, description: 'The larger tree size: that of a signed checkpoint.' }),
  },
  { additionalProperties: false },
);
const VerifyBodySchema = Type.Object(
  {
    start_time: Type.Optional(Type.String({ format: 'date-time', description: 'Recompute the leaves of events at or after this instant (default: the oldest).' })),
    end_time: Type.Optional(Type.String({ format: 'date-time', description: 'Recompute the leaves of events before this instant (default: no bound).' })),
  },
  { additionalProperties: false, $id: 'IntegrityVerifyRequest' },
);

const parseTenantQuery = queryParser(TenantQuerySchema);
const parseListQuery = queryParser(CheckpointListQuerySchema);
const parseConsistencyQuery = queryParser(ConsistencyQuerySchema);
const validateVerifyBody = compileBody(VerifyBodySchema);

const notSealedYet = () =>
  new ProblemError({
    status: 409,
    title: 'Conflict',
    detail: 'The event is not sealed into a signed checkpoint yet; sealing follows ingest within seconds.',
    headers: { 'Retry-After': SEAL_RETRY_AFTER_SECONDS },
  });

export function integrityRoutes(deps: IntegrityRouteDeps): Router {
  const router = new Router();

  router.get('/integrity/keys', allowRoles('admin', 'user', 'auditor', 'viewer'), (ctx) => {
    // The keys are the service's, not a tenant's; a tenant_id is still checked like on every route.
    checkTenantIdParameter(ctx.query.tenant_id);
    ctx.body = deps.reader.jwks();
  });

  router.get('/integrity/checkpoints/latest', allowRoles('admin', 'auditor'), async (ctx) => {
    parseTenantQuery(ctx.query);
    const tenantId = await resolveTenant(ctx, deps.tenants);
    const latest = await deps.reader.latestCheckpoint(tenantId);
    if (!latest) throw problems.notFound('The tenant has no signed checkpoint yet.');
    ctx.body = latest;
  });

  router.get('/integrity/checkpoints', allowRoles('admin', 'auditor'), async (ctx) => {
    const query = parseListQuery(ctx.query);
    const tenantId = await resolveTenant(ctx, deps.tenants);
    const page = query.page ?? 1;
    const pageSize = query.page_size ?? 20;
    const { items, total } = await deps.reader.checkpoints(tenantId, page, pageSize);
    ctx.body = { items, page, page_size: pageSize, total };
  });

  router.get('/logs/:id/proof', allowRoles('admin', 'auditor'), async (ctx) => {
    parseTenantQuery(ctx.query);
    const tenantId = await resolveTenant(ctx, deps.tenants);
    const id = ctx.params.id as string;
    if (!isUuid(id)) throw problems.notFound('No such log event.');
    const outcome = await deps.reader.inclusionProof(tenantId, id.toLowerCase());
    if (outcome.kind === 'no-event') throw problems.notFound('No such log event.');
    if (outcome.kind === 'not-sealed-yet') throw notSealedYet();
    ctx.body = outcome.proof;
  });

  router.get('/integrity/consistency', allowRoles('admin', 'auditor'), async (ctx) => {
    const query = parseConsistencyQuery(ctx.query);
    if (query.first > query.second) throw problems.validationFailed([{ path: '/first', message: 'must not exceed second' }]);
    const tenantId = await resolveTenant(ctx, deps.tenants);
    const outcome = await deps.reader.consistencyProof(tenantId, query.first, query.second);
    if (outcome.kind === 'no-checkpoint') throw problems.notFound(`The tenant has no signed checkpoint of size ${outcome.size}.`);
    ctx.body = outcome.proof;
  });

  router.post('/integrity/verify', allowRoles('admin', 'auditor'), jsonBody(4096), async (ctx) => {
    parseTenantQuery(ctx.query);
    const tenantId = await resolveTenant(ctx, deps.tenants);
    const parsed = validateVerifyBody(ctx.request.body);
    if (!parsed.ok) throw problems.validationFailed(parsed.errors);
    const startTime = parsed.value.start_time === undefined ? undefined : new Date(parsed.value.start_time);
    const endTime = parsed.value.end_time === undefined ? undefined : new Date(parsed.value.end_time);
    if (startTime && endTime && startTime >= endTime) {
      const errors: FieldError[] = [{ path: '/start_time', message: 'must be before end_time' }, { path: '/end_time', message: 'must be after start_time' }];
      throw problems.validationFailed(errors);
    }
    const { taskId } = await deps.verify.request({ tenantId, userId: ctx.state.principal?.sub as string, startTime, endTime });
    ctx.status = 202;
    ctx.set('Location', `/api/v1/tasks/${taskId}`);
    ctx.body = { task_id: taskId };
  });

  return router;
}

/** The JWKS again, unauthenticated, where verifiers look for it without a token. */
export function wellKnownKeysRoutes(reader: IntegrityReader): Router {
  const router = new Router();
  router.get('/.well-known/audit-log-keys.json', (ctx) => {
    ctx.set('Cache-Control', 'public, max-age=300');
    ctx.body = reader.jwks();
  });
  return router;
}

const tags = ['integrity'];

export const wellKnownKeysRouteDocs: RouteDoc[] = [
  {
    method: 'get',
    path: '/.well-known/audit-log-keys.json',
    summary: 'The checkpoint signing keys, without a token',
    description: 'The same JWKS as GET /api/v1/integrity/keys, for verifiers that hold no token.',
    tags,
    responses: { 200: { description: 'Ed25519 public keys (RFC 8037), retired ones included.', schema: JwksSchema } },
  },
];

export const integrityRouteDocs: RouteDoc[] = [
  {
    method: 'get',
    path: '/api/v1/integrity/keys',
    summary: 'The checkpoint signing keys (JWKS)',
    description: "Ed25519 public keys as RFC 8037 JWKs; a checkpoint's key_id is one of their kids. Keys stay listed after rotation while checkpoints signed with them exist.",
    tags,
    roles: ['admin', 'user', 'auditor', 'viewer'],
    responses: { 200: { description: 'The JWKS.', schema: JwksSchema } },
  },
  {
    method: 'get',
    path: '/api/v1/integrity/checkpoints/latest',
    summary: "The tenant's newest signed checkpoint",
    tags,
    roles: ['admin', 'auditor'],
    query: TenantQuerySchema,
    responses: {
      200: { description: 'A C2SP tlog-checkpoint and its Ed25519 signature.', schema: CheckpointSchema },
      404: { description: 'Nothing of the tenant is sealed yet.' },
    },
  },
  {
    method: 'get',
    path: '/api/v1/integrity/checkpoints',
    summary: "The tenant's signed checkpoints, newest first",
    tags,
    roles: ['admin', 'auditor'],
    query: CheckpointListQuerySchema,
    responses: {
      200: {
        description: 'A page of checkpoints.',
        schema: Type.Object({ items: Type.Array(CheckpointSchema), page: Type.Integer({ minimum: 1 }), page_size: Type.Integer({ minimum: 1 }), total: Type.Integer({ minimum: 0 }) }),
      },
    },
  },
  {
    method: 'get',
    path: '/api/v1/logs/{id}/proof',
    summary: 'Inclusion proof of one event',
    description: "RFC 9162 §2.1.3 inclusion proof of the event's leaf (SHA-256(0x00 ‖ JCS(event))) against the tenant's latest signed checkpoint.",
    tags,
    roles: ['admin', 'auditor'],
    pathParams: Type.Object({ id: Type.String({ description: "The event's id (a UUID)." }) }),
    query: TenantQuerySchema,
    responses: {
      200: { description: 'The event, its leaf and the proof.', schema: InclusionProofSchema },
      404: { description: 'No such event in this tenant.' },
      409: { description: 'The event is not sealed into a checkpoint yet; ask again after Retry-After seconds.', headers: { 'Retry-After': 'Seconds to wait.' } },
    },
  },
  {
    method: 'get',
    path: '/api/v1/integrity/consistency',
    summary: 'Consistency proof between two checkpoints',
    description: 'RFC 9162 §2.1.4: shows that the tree of size `first` is a prefix of the tree of size `second`.',
    tags,
    roles: ['admin', 'auditor'],
    query: ConsistencyQuerySchema,
    responses: {
      200: { description: 'The proof.', schema: ConsistencyProofSchema },
      404: { description: 'No signed checkpoint of the tenant has one of the sizes.' },
      422: { description: 'first or second is missing, not a positive integer, or first exceeds second.' },
    },
  },
  {
    method: 'post',
    path: '/api/v1/integrity/verify',
    summary: "Verify the tenant's tamper-evident log",
    description:
      'Starts an `integrity_verify` task: recomputes every leaf from the stored (and archived) events, the tree from the leaves, and checks ' +
      "every checkpoint's signature and root. Its result lists each problem (modified, missing, inserted, reordered, bad_signature, inconsistent_checkpoint) with seq and event id.",
    tags,
    roles: ['admin', 'auditor'],
    query: TenantQuerySchema,
    body: { schema: VerifyBodySchema, maxBytes: 4096 },
    responses: {
      202: { description: 'The task was created; follow it with GET /tasks/{task_id}.', schema: TaskIdSchema, headers: { Location: 'The task.' } },
      422: { description: 'A time is not RFC 3339, or start_time is not before end_time.' },
    },
  },
];
