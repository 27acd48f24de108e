import Router from '@koa/router';
import { Type } from '@sinclair/typebox';
import { checkCutoff } from '../../features/retention/cutoff-rules';
import type { CleanupRequester } from '../../features/retention/request-cleanup';
import { RetentionChainBusyError } from '../../features/retention/retention-chain-busy';
import { allowRoles } from '../middleware/authenticate';
import type { RouteDoc } from '../openapi/route-doc';
import { ProblemSchema } from '../openapi/problem-schema';
import { problems } from '../problem';
import { queryParser } from '../queries/log-filter-query';
import { resolveTenant, type TenantLookup } from '../tenant-scope';

export interface RetentionRouteDeps {
  tenants: TenantLookup;
  retention: CleanupRequester;
}

export const CleanupQuerySchema = Type.Object(
  {
    before_date: Type.String({
      format: 'date-time',
      description: 'RFC 3339 cutoff, not in the future: events with event_timestamp before it are archived, then deleted. Precision beyond milliseconds is truncated (never widening the cutoff).',
      examples: ['2024-01-01T00:00:00Z'],
    }),
    tenant_id: Type.Optional(Type.String({ format: 'uuid', description: 'The tenant to act on; required from a platform admin.' })),
  },
  { additionalProperties: false },
);

const parseCleanupQuery = queryParser(CleanupQuerySchema);

const ChainBusyProblemSchema = Type.Object(
  { ...ProblemSchema.properties, task_id: Type.String({ format: 'uuid', description: 'The unfinished archive or log_cleanup task.' }) },
  { $id: 'RetentionChainBusyProblem', description: 'Problem details naming the task that holds the tenant\'s retention chain.' },
);

export function retentionRoutes(deps: RetentionRouteDeps): Router {
  const router = new Router();

  router.delete('/logs/cleanup', allowRoles('admin'), async (ctx) => {
    const query = parseCleanupQuery(ctx.query);
    const tenantId = await resolveTenant(ctx, deps.tenants);
    const beforeDate = new Date(query.before_date);
    const errors = checkCutoff(beforeDate, new Date());
    if (errors.length > 0) throw problems.validationFailed(errors);
    const { taskId } = await deps.retention.requestCleanup(tenantId, ctx.state.principal?.sub as string, beforeDate).catch((error: unknown) => {
      if (error instanceof RetentionChainBusyError) throw problems.conflict(error.message, { task_id: error.taskId });
      throw error;
    });
    ctx.status = 202;
    ctx.set('Location', `/api/v1/tasks/${taskId}`);
    ctx.body = { task_id: taskId };
  });

  return router;
}

export const retentionRouteDocs: RouteDoc[] = [
  {
    method: 'delete',
    path: '/api/v1/logs/cleanup',
    summary: 'Archive, then delete, events older than a date',
    description:
      'Starts the retention chain for the tenant: an `archive` task streams every event older than before_date (received up to this request) ' +
      'to gzip NDJSON parts and a manifest on S3, verifies them by reading back, then creates a `log_cleanup` task that deletes exactly the ' +
      'archived events from PostgreSQL and OpenSearch. The 202 names the archive task; its result names the cleanup task. ' +
      'A tenant has one chain at a time, so no event is archived twice: while one is unfinished, a request gets 409.',
    tags: ['retention'],
    roles: ['admin'],
    query: CleanupQuerySchema,
    responses: {
      202: {
        description: 'The archive task was created; follow it with GET /tasks/{task_id}.',
        schema: Type.Object({ task_id: Type.String({ format: 'uuid' }) }),
        headers: { Location: 'The archive task.' },
      },
      400: { description: 'Unknown query parameter, or an admin token without tenant_id.' },
      409: {
        description:
          "One of the tenant's archive/cleanup chains has not finished (pending, running, or failed and not retried yet); " +
          '`task_id` names its task. Wait for it, or retry it with POST /tasks/{task_id}/retry if it failed.',
        schema: ChainBusyProblemSchema,
      },
      422: { description: 'before_date is missing, not an RFC 3339 date-time, or in the future.' },
    },
  },
];
