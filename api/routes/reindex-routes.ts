import Router from '@koa/router';
import { Type } from '@sinclair/typebox';
import type { TenantReindexRequester } from '../../features/tasks/request-tenant-reindex';
import type { FieldError } from '../../platform/validation/field-error';
import { allowRoles } from '../middleware/authenticate';
import type { RouteDoc } from '../openapi/route-doc';
import { TaskIdSchema } from '../openapi/task-schema';
import { problems } from '../problem';
import { queryParser } from '../queries/log-filter-query';
import { resolveTenant, type TenantLookup } from '../tenant-scope';

export interface ReindexRouteDeps {
  tenants: TenantLookup;
  reindex: TenantReindexRequester;
}

const ReindexQuerySchema = Type.Object(
  {
    tenant_id: Type.Optional(Type.String({ format: 'uuid', description: 'The tenant to rebuild; required from a platform admin.' })),
    start_time: Type.Optional(Type.String({ format: 'date-time', description: 'RFC 3339; events at or after this instant (default: the oldest).' })),
    end_time: Type.Optional(Type.String({ format: 'date-time', description: 'RFC 3339; events before this instant (default: no bound).' })),
  },
  { additionalProperties: false },
);
const parseQuery = queryParser(ReindexQuerySchema);

/** Whole milliseconds that cover the instant: rounding a bound outward re-indexes a row too many, never one too few. */
export function bound(value: string | undefined, round: 'down' | 'up'): Date | undefined {
  if (value === undefined) return undefined;
  const millis = Date.parse(value);
  const subMillis = /\.\d{3}(\d*[1-9])/.test(value);
  return new Date(round === 'up' && subMillis ? millis + 1 : millis);
}

export function reindexRoutes(deps: ReindexRouteDeps): Router {
  const router = new Router();

  router.post('/reindex', allowRoles('admin'), async (ctx) => {
    const tenantId = await resolveTenant(ctx, deps.tenants);
    const query = parseQuery(ctx.query);
    const startTime = bound(query.start_time, 'down');
    const endTime = bound(query.end_time, 'up');
    if (startTime && endTime && startTime > endTime) {
      const errors: FieldError[] = [{ path: '/start_time', message: 'must not be after end_time' }, { path: '/end_time', message: 'must not be before start_time' }];
      throw problems.validationFailed(errors);
    }
    const { taskId } = await deps.reindex.request({ tenantId, userId: ctx.state.principal?.sub as string, startTime, endTime });
    ctx.status = 202;
    ctx.set('Location', `/api/v1/tasks/${taskId}`);
    ctx.body = { task_id: taskId };
  });

  return router;
}

export const reindexRouteDocs: RouteDoc[] = [
  {
    method: 'post',
    path: '/api/v1/reindex',
    summary: "Rebuild a tenant's search documents from PostgreSQL",
    description:
      'For operators, e.g. after an index was lost. Creates a `reindex_tenant` task whose workflow streams the tenant\'s events ' +
      'in (event_timestamp, id) order into OpenSearch, heartbeating its position so a crashed worker resumes where it stopped; ' +
      'progress is mirrored into the task. Documents keep their ids, so re-running is harmless. Other tenants are untouched.',
    tags: ['tasks'],
    roles: ['admin'],
    query: ReindexQuerySchema,
    responses: {
      202: { description: 'Accepted; follow the task.', schema: TaskIdSchema, headers: { Location: 'The task.' } },
      400: { description: 'An unknown query parameter, or an admin token without tenant_id.' },
      404: { description: 'No such tenant.' },
      422: { description: 'Invalid times, each named by its path.' },
    },
  },
];
