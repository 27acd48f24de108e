import Router from '@koa/router';
import { Type } from '@sinclair/typebox';
import type { Context } from 'koa';
import type { Pool } from 'pg';
import type { Task } from '../../domain/task';
import { tasksRepository } from '../../adapters/postgres/tasks-repository';
import { withTenantTx } from '../../adapters/postgres/tenant-transaction';
import type { TaskListing } from '../../features/tasks/list-tasks';
import type { TaskRetry } from '../../features/tasks/retry-task';
import { allowRoles } from '../middleware/authenticate';
import type { RouteDoc } from '../openapi/route-doc';
import { TaskListSchema, TaskStatusSchema, TaskTypeSchema, TaskViewSchema } from '../openapi/task-schema';
import { problems } from '../problem';
import { queryParser } from '../queries/log-filter-query';
import { isUuid } from '../../domain/uuid-text';
import { resolveTenant, type TenantLookup } from '../tenant-scope';

export interface TasksRouteDeps {
  pool: Pool;
  tenants: TenantLookup;
  temporalUi: { url: string | undefined; namespace: string };
  listing: TaskListing;
  retry: TaskRetry;
}

const MAX_PAGE = 10_000;

const TaskListQuerySchema = Type.Object(
  {
    tenant_id: Type.Optional(Type.String({ format: 'uuid', description: "Admin tokens only: one tenant's tasks; without it an admin lists every tenant's." })),
    type: Type.Optional(TaskTypeSchema),
    status: Type.Optional(TaskStatusSchema),
    page: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PAGE, default: 1, description: '1-based.' })),
    page_size: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
  },
  { additionalProperties: false },
);
const parseListQuery = queryParser(TaskListQuerySchema);

const TenantQuerySchema = Type.Object(
  { tenant_id: Type.Optional(Type.String({ format: 'uuid', description: "The task's tenant; required from a platform admin." })) },
  { additionalProperties: false },
);
const parseTenantQuery = queryParser(TenantQuerySchema);

const TaskPathSchema = Type.Object({ id: Type.String({ format: 'uuid' }) });

/** Opens the run in the Temporal Web UI; null until a workflow has been started for the task. */
export function temporalUiUrl(ui: TasksRouteDeps['temporalUi'], task: Pick<Task, 'workflow_id' | 'run_id'>): string | null {
  if (!ui.url || !task.workflow_id) return null;
  const base = `${ui.url.replace(/\/$/, '')}/namespaces/${encodeURIComponent(ui.namespace)}/workflows/${encodeURIComponent(task.workflow_id)}`;
  return task.run_id ? `${base}/${encodeURIComponent(task.run_id)}/history` : base;
}

const toView = (ui: TasksRouteDeps['temporalUi'], task: Task) => ({ ...task, temporal_ui_url: temporalUiUrl(ui, task) });

/** A platform admin who names no tenant lists every tenant's tasks (api.md, GET /tasks). */
function listsEveryTenant(ctx: Context): boolean {
  const principal = ctx.state.principal;
  return principal?.role === 'admin' && !principal.tokenTenantId && ctx.query.tenant_id === undefined;
}

function taskIdParam(ctx: Context): string {
  const id = ctx.params.id as string;
  if (!isUuid(id)) throw problems.notFound('No such task.');
  return id.toLowerCase();
}

export function tasksRoutes(deps: TasksRouteDeps): Router {
  const router = new Router();

  router.get('/tasks', allowRoles('admin', 'auditor'), async (ctx) => {
    const scope = listsEveryTenant(ctx) ? 'all' : { tenantId: await resolveTenant(ctx, deps.tenants) };
    const query = parseListQuery(ctx.query);
    const page = query.page ?? 1;
    const pageSize = query.page_size ?? 20;
    const result = await deps.listing.list({ scope, type: query.type, status: query.status, page, pageSize });
    ctx.body = { items: result.items.map((task) => toView(deps.temporalUi, task)), page, page_size: pageSize, total: result.total };
  });

  router.get('/tasks/:id', allowRoles('admin', 'auditor'), async (ctx) => {
    const tenantId = await resolveTenant(ctx, deps.tenants);
    parseTenantQuery(ctx.query);
    const id = taskIdParam(ctx);
    const task = await withTenantTx(deps.pool, tenantId, (tx) => tasksRepository(tx).findById(tenantId, id));
    if (!task) throw problems.notFound('No such task.');
    ctx.body = toView(deps.temporalUi, task);
  });

  router.post('/tasks/:id/retry', allowRoles('admin'), async (ctx) => {
    const tenantId = await resolveTenant(ctx, deps.tenants);
    parseTenantQuery(ctx.query);
    const id = taskIdParam(ctx);
    const outcome = await deps.retry.retry(tenantId, id);
    if (outcome.kind === 'not-found') throw problems.notFound('No such task.');
    if (outcome.kind === 'not-failed') throw problems.conflict(`Only a failed task can be retried; this task is ${outcome.status}.`);
    ctx.status = 202;
    ctx.set('Location', `/api/v1/tasks/${id}`);
    ctx.body = toView(deps.temporalUi, outcome.task);
  });

  return router;
}

export const tasksRouteDocs: RouteDoc[] = [
  {
    method: 'get',
    path: '/api/v1/tasks',
    summary: 'List background tasks, newest first',
    description: "An auditor sees its own tenant's tasks; an admin sees one tenant's with tenant_id, or every tenant's without it.",
    tags: ['tasks'],
    roles: ['admin', 'auditor'],
    query: TaskListQuerySchema,
    responses: {
      200: { description: 'A page of tasks.', schema: TaskListSchema },
      400: { description: 'An unknown query parameter.' },
      422: { description: 'Invalid filter or paging values, each named by its path.' },
    },
  },
  {
    method: 'get',
    path: '/api/v1/tasks/{id}',
    summary: 'Read one task: status, attempts, progress, error, result and its Temporal run',
    tags: ['tasks'],
    roles: ['admin', 'auditor'],
    pathParams: TaskPathSchema,
    query: TenantQuerySchema,
    responses: {
      200: { description: 'The task.', schema: TaskViewSchema },
      404: { description: 'No such task in this tenant.' },
    },
  },
  {
    method: 'post',
    path: '/api/v1/tasks/{id}/retry',
    summary: 'Run a failed task again, from where it is safe to resume',
    description:
      'The task returns to pending with retry_count + 1 and a new workflow run is started under the workflow id ' +
      '`<task_type>-<task_id>-retry-<retry_count>`; attempts keep counting. The workflows resume from what earlier runs ' +
      'completed (an archive continues after its verified parts; indexing overwrites the same documents).',
    tags: ['tasks'],
    roles: ['admin'],
    pathParams: TaskPathSchema,
    query: TenantQuerySchema,
    responses: {
      202: { description: 'Retry accepted; the task as it now stands.', schema: TaskViewSchema, headers: { Location: 'The task.' } },
      404: { description: 'No such task in this tenant.' },
      409: { description: 'The task is not failed (pending, running or succeeded).' },
    },
  },
];
