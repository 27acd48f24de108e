import Router from '@koa/router';
import { Type } from '@sinclair/typebox';
import type { Context } from 'koa';
import { RESTORE_EXPIRY_DAYS } from '../../domain/restore';
import type { RestoreAdmin } from '../../features/restore/restore-admin';
import { RestoreNotFoundError, RestoreStillRunningError } from '../../features/restore/restore-admin';
import { RestoreBusyError, type RestoreRequester } from '../../features/restore/request-restore';
import { compileBody } from '../../platform/validation/ajv';
import type { FieldError } from '../../platform/validation/field-error';
import { jsonBody } from '../middleware/json-body';
import { allowRoles } from '../middleware/authenticate';
import type { RouteDoc } from '../openapi/route-doc';
import { ProblemSchema } from '../openapi/problem-schema';
import { problems } from '../problem';
import { filterRuleErrors, queryParser, stringEnum } from '../queries/log-filter-query';
import { isUuid } from '../../domain/uuid-text';
import { resolveTenant, type TenantLookup } from '../tenant-scope';

export interface RestoreRouteDeps {
  tenants: TenantLookup;
  requester: RestoreRequester;
  admin: RestoreAdmin;
}

const RESTORE_BODY_LIMIT = 4 * 1024;

export const RestoreBodySchema = Type.Object(
  {
    start_time: Type.String({ format: 'date-time', description: 'RFC 3339; archived events at or after this instant.' }),
    end_time: Type.String({ format: 'date-time', description: 'RFC 3339; archived events before this instant (exclusive); after start_time.' }),
    expires_in_days: Type.Optional(
      Type.Integer({
        minimum: RESTORE_EXPIRY_DAYS.min,
        maximum: RESTORE_EXPIRY_DAYS.max,
        default: RESTORE_EXPIRY_DAYS.default,
        description: `Days the restored copies stay searchable (${RESTORE_EXPIRY_DAYS.min}-${RESTORE_EXPIRY_DAYS.max}, default ${RESTORE_EXPIRY_DAYS.default}).`,
      }),
    ),
  },
  { additionalProperties: false },
);
const validateBody = compileBody(RestoreBodySchema);

const TenantQuerySchema = Type.Object(
  { tenant_id: Type.Optional(Type.String({ format: 'uuid', description: 'The tenant to act on; required from a platform admin.' })) },
  { additionalProperties: false },
);
const parseTenantQuery = queryParser(TenantQuerySchema, () => []);

const RestoreIdParam = Type.Object({ restore_id: Type.String({ format: 'uuid' }) });

export const RestoreSchema = Type.Object(
  {
    restore_id: Type.String({ format: 'uuid' }),
    task_id: Type.String({ format: 'uuid', description: 'The `restore` task (GET /tasks/{task_id}: progress in parts, errors).' }),
    start_time: Type.String({ format: 'date-time' }),
    end_time: Type.String({ format: 'date-time' }),
    status: stringEnum(['pending', 'running', 'succeeded', 'failed', 'expired', 'deleted'] as const, "The task's status while the copies live; then expired or deleted."),
    rows: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()], { description: 'Restored copies loaded so far.' }),
    expires_at: Type.String({ format: 'date-time', description: 'Searches stop returning the copies at this instant; they are deleted shortly after.' }),
    created_at: Type.String({ format: 'date-time' }),
    removed_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], { description: 'When the copies were deleted from search.' }),
  },
  { additionalProperties: false, $id: 'Restore' },
);

const RestoreBusyProblemSchema = Type.Object(
  { ...ProblemSchema.properties, task_id: Type.String({ format: 'uuid', description: 'The pending or running restore task of an overlapping range.' }) },
  { $id: 'RestoreBusyProblem', description: 'Problem details naming the restore task that overlaps.' },
);

/** Schema errors and the range rule together, so every bad field is named at once. */
function parseBody(raw: unknown) {
  const parsed = validateBody(raw);
  const errors: FieldError[] = parsed.ok ? [] : [...parsed.errors];
  if (typeof raw === 'object' && raw !== null && !Array.isArray(raw)) {
    const body = raw as Record<string, unknown>;
    const reported = new Set(errors.map((error) => error.path));
    errors.push(...filterRuleErrors(body).filter((error) => !reported.has(error.path)));
    const [start, end] = [Date.parse(String(body.start_time)), Date.parse(String(body.end_time))];
    if (start === end && !reported.has('/end_time')) errors.push({ path: '/end_time', message: 'must be after start_time (the range is empty)' });
  }
  if (!parsed.ok || errors.length > 0) throw problems.validationFailed(errors);
  const body = parsed.value;
  return {
    startTime: new Date(body.start_time).toISOString(),
    endTime: new Date(body.end_time).toISOString(),
    expiresInDays: body.expires_in_days ?? RESTORE_EXPIRY_DAYS.default,
  };
}

function restoreIdParam(ctx: Context): string {
  const id = ctx.params.restore_id as string;
  if (!isUuid(id)) throw problems.notFound('No such restore.');
  return id.toLowerCase();
}

export function restoresRoutes(deps: RestoreRouteDeps): Router {
  const router = new Router();

  router.post('/restores', allowRoles('admin'), jsonBody(RESTORE_BODY_LIMIT), async (ctx) => {
    const tenantId = await resolveTenant(ctx, deps.tenants);
    parseTenantQuery(ctx.query);
    const { taskId, restoreId } = await deps.requester.request(tenantId, ctx.state.principal?.sub as string, parseBody(ctx.request.body)).catch((error: unknown) => {
      if (error instanceof RestoreBusyError) throw problems.conflict(error.message, { task_id: error.taskId });
      throw error;
    });
    ctx.status = 202;
    ctx.set('Location', `/api/v1/tasks/${taskId}`);
    ctx.body = { task_id: taskId, restore_id: restoreId };
  });

  router.get('/restores', allowRoles('admin', 'auditor'), async (ctx) => {
    const tenantId = await resolveTenant(ctx, deps.tenants);
    parseTenantQuery(ctx.query);
    ctx.body = { items: await deps.admin.list(tenantId) };
  });

  router.delete('/restores/:restore_id', allowRoles('admin'), async (ctx) => {
    const tenantId = await resolveTenant(ctx, deps.tenants);
    parseTenantQuery(ctx.query);
    const restoreId = restoreIdParam(ctx);
    const restore = await deps.admin.remove(tenantId, restoreId).catch((error: unknown) => {
      if (error instanceof RestoreNotFoundError) throw problems.notFound(error.message);
      if (error instanceof RestoreStillRunningError) throw problems.conflict(error.message, { task_id: error.taskId });
      throw error;
    });
    ctx.status = 202;
    ctx.body = { restore_id: restore.restore_id, task_id: restore.task_id };
  });

  return router;
}

export const restoresRouteDocs: RouteDoc[] = [
  {
    method: 'post',
    path: '/api/v1/restores',
    summary: 'Restore an archived range into search',
    description:
      'Creates a `restore` task whose workflow finds the verified manifests of the tenant\'s cleaned-up archives overlapping the range, ' +
      'checks each part\'s size and SHA-256 against its manifest before loading any of its rows, and loads the events as restored copies ' +
      '(same id, every field as archived, `"restored": true`). Search, stats and export return them with include_restored=true until ' +
      'expires_at. Progress on the task counts parts; a missing or corrupt part fails the task naming the object, with nothing of that part loaded.',
    tags: ['restores'],
    roles: ['admin'],
    query: TenantQuerySchema,
    body: { schema: RestoreBodySchema, maxBytes: RESTORE_BODY_LIMIT },
    responses: {
      202: {
        description: 'Accepted; follow the task.',
        schema: Type.Object({ task_id: Type.String({ format: 'uuid' }), restore_id: Type.String({ format: 'uuid' }) }),
        headers: { Location: 'The restore task.' },
      },
      400: { description: 'Malformed JSON, an unknown query parameter, or an admin token without tenant_id.' },
      409: { description: 'A restore of an overlapping range of the tenant is pending or running; `task_id` names it.', schema: RestoreBusyProblemSchema },
      422: { description: 'A missing or invalid start_time, end_time or expires_in_days, an empty or reversed range, or unknown fields, each named by its path.' },
    },
  },
  {
    method: 'get',
    path: '/api/v1/restores',
    summary: "List the tenant's restores",
    description: 'Newest first (at most 1,000).',
    tags: ['restores'],
    roles: ['admin', 'auditor'],
    query: TenantQuerySchema,
    responses: {
      200: { description: 'The restores.', schema: Type.Object({ items: Type.Array(RestoreSchema) }) },
      400: { description: 'An unknown query parameter, or an admin token without tenant_id.' },
    },
  },
  {
    method: 'delete',
    path: '/api/v1/restores/{restore_id}',
    summary: 'End a restore early',
    description:
      'Searches stop returning its copies at once and the copies are deleted (should that fail, the expiry schedule finishes it). ' +
      'A restore still loading gets 409: delete it once its task has finished.',
    tags: ['restores'],
    roles: ['admin'],
    pathParams: RestoreIdParam,
    query: TenantQuerySchema,
    responses: {
      202: { description: 'Accepted.', schema: Type.Object({ restore_id: Type.String({ format: 'uuid' }), task_id: Type.String({ format: 'uuid' }) }) },
      400: { description: 'An unknown query parameter, or an admin token without tenant_id.' },
      404: { description: "No restore with this id in the caller's tenant." },
      409: { description: 'The restore is still pending or running.' },
    },
  },
];
