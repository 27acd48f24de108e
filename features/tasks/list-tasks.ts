import type { Pool } from 'pg';
import { crossTenantTaskList, taskListRepository, type TaskPage } from '../../adapters/postgres/task-list-repository';
import { withTenantTx } from '../../adapters/postgres/tenant-transaction';
import type { TaskStatus, TaskType } from '../../domain/task';

export interface TaskListRequest {
  /** One tenant's tasks, or `all` for a platform admin who named no tenant. */
  scope: { tenantId: string } | 'all';
  type?: TaskType;
  status?: TaskStatus;
  page: number;
  pageSize: number;
}

export function createTaskListing(pool: Pool) {
  return {
    async list(request: TaskListRequest): Promise<TaskPage> {
      const filter = { type: request.type, status: request.status, limit: request.pageSize, offset: (request.page - 1) * request.pageSize };
      if (request.scope === 'all') return crossTenantTaskList(pool).list(filter);
      const { tenantId } = request.scope;
      return withTenantTx(pool, tenantId, (tx) => taskListRepository(tx).list(tenantId, filter));
    },
  };
}

export type TaskListing = ReturnType<typeof createTaskListing>;
