import Router from '@koa/router';
import { Type } from '@sinclair/typebox';
import type { ReconcileRequester } from '../../features/tasks/request-reconcile';
import type { FieldError } from '../../platform/validation/field-error';
import { allowRoles } from '../middleware/authenticate';
import type { RouteDoc } from '../openapi/route-doc';
import { TaskIdSchema } from '../openapi/task-schema';
import { problems } from '../problem';
import { queryParser } from '../queries/log-filter-query';
import { resolveTenant, type TenantLookup } from '../tenant-scope';
import { bound } from './reindex-routes';

export interface ReconcileRouteDeps {
  tenants: TenantLookup;
  reconciles: ReconcileRequester;
}

const ReconcileQuerySchema = Type.Object(
  {
    tenant_id: Type.Optional(Type.String({ format: 'uuid', description: 'The tenant to reconcile; required from a platform admin.' })),
    start_time: Type.Optional(Type.String({ format: 'date-time', description: 'RFC 3339; events at or after this instant (default: the oldest).' })),
    end_time: Type.Optional(Type.String({ format: 'date-time', description: 'RFC 3339; events before this instant (default: no bound).' })),
  },
  { additionalProperties: false },
);
const parseQuery = queryParser(ReconcileQuerySchema);

export function reconcileRoutes(deps: ReconcileRouteDeps): Router {
  const router = new Router();

  router.post('/reconcile', allowRoles('admin'), async (ctx) => {
    const tenantId = await resolveTenant(ctx, deps.tenants);
    const query = parseQuery(ctx.query);
    const startTime = bound(query.start_time, 'down');
    const endTime = bound(query.end_time, 'up');
    if (startTime && endTime && startTime >= endTime) {
      const errors: FieldError[] = [{ path: '/start_time', message: 'must be before end_time' }, { path: '/end_time', message: 'must be after start_time' }];
      throw problems.validationFailed(errors);
    }
    const { taskId } = await deps.reconciles.request({ tenantId, userId: ctx.state.principal?.sub as string, startTime, endTime });
    ctx.status = 202;
    ctx.set('Location', `/api/v1/tasks/${taskId}`);
    ctx.body = { task_id: taskId };
  });

  return router;
}

export const reconcileRouteDocs: RouteDoc[] = [
  {
    method: 'post',
    path: '/api/v1/reconcile',
    summary: "Compare a tenant's search documents with PostgreSQL and repair them",
    description:
      'For operators; the same run the daily reconcile Schedule starts for every tenant. Creates a `reconcile` task that counts the ' +
      "tenant's events per UTC day in PostgreSQL and in OpenSearch, compares ids where the counts differ, indexes events that have no " +
      'document and deletes documents that have no event (events themselves are never deleted), then seals the events the ' +
      "tenant's sealer left waiting and signs a checkpoint over them. Its result counts buckets_checked, buckets_differing, " +
      'missing_indexed, orphans_deleted and sealed_events; progress counts days. Other tenants are untouched.',
    tags: ['tasks'],
    roles: ['admin'],
    query: ReconcileQuerySchema,
    responses: {
      202: { description: 'Accepted; follow the task.', schema: TaskIdSchema, headers: { Location: 'The task.' } },
      400: { description: 'An unknown query parameter, or an admin token without tenant_id.' },
      404: { description: 'No such tenant.' },
      422: { description: 'Invalid times, each named by its path.' },
    },
  },
];
