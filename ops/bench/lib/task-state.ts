import type { BenchContext } from './context';

export interface TaskState {
  status: string;
  result: Record<string, unknown> | null;
  error_msg: string | null;
}

/** A task's row as PostgreSQL holds it (the owner role: the bench reads what it did not write). */
export async function taskState(ctx: BenchContext, taskId: string): Promise<TaskState | undefined> {
  const result = await ctx.ownerPool.query<TaskState>('SELECT status, result, error_msg FROM async_task WHERE task_id = $1', [taskId]);
  return result.rows[0];
}
