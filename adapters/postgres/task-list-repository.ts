import type { Pool } from 'pg';
import type { Task, TaskStatus, TaskType } from '../../domain/task';
import { TASK_COLUMNS, toTask, type TaskRow } from './tasks-repository';
import { assertTenant, type TenantTx } from './tenant-transaction';

export interface TaskListFilter {
  type?: TaskType;
  status?: TaskStatus;
  limit: number;
  offset: number;
}

export interface TaskPage {
  items: Task[];
  total: number;
}

/** Newest first; uuidv7 task ids break ties between tasks created in the same instant. */
export function taskListRepository(tx: TenantTx) {
  return {
    async list(tenantId: string, filter: TaskListFilter): Promise<TaskPage> {
      assertTenant(tx, tenantId);
      const where = 'tenant_id = $1 AND ($2::text IS NULL OR task_type = $2) AND ($3::text IS NULL OR status = $3)';
      const params = [tenantId, filter.type ?? null, filter.status ?? null];
      const rows = await tx.client.query<TaskRow>(
        `SELECT ${TASK_COLUMNS} FROM async_task WHERE ${where} ORDER BY created_at DESC, task_id DESC LIMIT $4 OFFSET $5`,
        [...params, filter.limit, filter.offset],
      );
      const count = await tx.client.query<{ total: number }>(`SELECT count(*)::int AS total FROM async_task WHERE ${where}`, params);
      return { items: rows.rows.map(toTask), total: count.rows[0]?.total ?? 0 };
    },
  };
}

/**
 * Every tenant's tasks, for a platform admin. Row-level security still holds for the application
 * role: the rows come through owner-defined functions (migration 041), not a lifted policy.
 */
export function crossTenantTaskList(pool: Pool) {
  return {
    async list(filter: TaskListFilter): Promise<TaskPage> {
      const [rows, count] = await Promise.all([
        pool.query<TaskRow>(`SELECT ${TASK_COLUMNS} FROM list_tasks_all_tenants($1, $2, $3, $4)`, [
          filter.type ?? null,
          filter.status ?? null,
          filter.limit,
          filter.offset,
        ]),
        pool.query<{ total: number }>('SELECT count_tasks_all_tenants($1, $2)::int AS total', [filter.type ?? null, filter.status ?? null]),
      ]);
      return { items: rows.rows.map(toTask), total: count.rows[0]?.total ?? 0 };
    },
  };
}
