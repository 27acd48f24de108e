import Router from '@koa/router';
import type { Pool } from 'pg';
import type { Task } from '../../domain/task';
import { tasksRepository } from '../../db/tasks-repository';
import { withTenantTx } from '../../db/tenant-transaction';
import { allowRoles } from '../middleware/authenticate';
import { problems } from '../problem';
import { isUuid, resolveTenant, type TenantLookup } from '../tenant-scope';

export interface TasksRouteDeps {
  pool: Pool;
  tenants: TenantLookup;
  temporalUi: { url: string | undefined; namespace: string };
}

/** Opens the run in the Temporal Web UI; null until a workflow has been started for the task. */
export function temporalUiUrl(ui: TasksRouteDeps['temporalUi'], task: Pick<Task, 'workflow_id' | 'run_id'>): string | null {
  if (!ui.url || !task.workflow_id) return null;
  const base = `${ui.url.replace(/\/$/, '')}/namespaces/${encodeURIComponent(ui.namespace)}/workflows/${encodeURIComponent(task.workflow_id)}`;
  return task.run_id ? `${base}/${encodeURIComponent(task.run_id)}/history` : base;
}

export function tasksRoutes(deps: TasksRouteDeps): Router {
  const router = new Router();

  router.get('/tasks/:id', allowRoles('admin', 'auditor'), async (ctx) => {
    const tenantId = await resolveTenant(ctx, deps.tenants);
    const id = ctx.params.id as string;
    if (!isUuid(id)) throw problems.notFound('No such task.');
    const task = await withTenantTx(deps.pool, tenantId, (tx) => tasksRepository(tx).findById(tenantId, id));
    if (!task) throw problems.notFound('No such task.');
    ctx.body = { ...task, temporal_ui_url: temporalUiUrl(deps.temporalUi, task) };
  });

  return router;
}
