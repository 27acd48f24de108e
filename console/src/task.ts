import { useEffect, useState } from 'preact/hooks';
import { apiUrl, getJson } from './api';
import type { Session } from './session';

export interface Task {
  task_id: string;
  task_type: string;
  status: 'pending' | 'running' | 'succeeded' | 'failed';
  tenant_id: string;
  user_id: string | null;
  error_msg: string | null;
  attempts: number;
  progress: { done: number; total: number | null } | null;
  result: Record<string, unknown> | null;
  temporal_ui_url: string | null;
  created_at: string;
  updated_at: string;
}

export const TASK_TYPES = ['reindex', 'reindex_tenant', 'archive', 'log_cleanup', 'reconcile', 'integrity_verify', 'restore', 'export'];
export const TASK_STATUSES = ['pending', 'running', 'succeeded', 'failed'];

export const isFinished = (task: Task | undefined) => task?.status === 'succeeded' || task?.status === 'failed';

/** `/tasks/{id}…` for a task of any tenant: a platform admin names the task's own tenant. */
export function taskUrl(session: Session, task: Pick<Task, 'task_id'> & Partial<Pick<Task, 'tenant_id'>>, suffix = ''): string {
  const path = `/tasks/${task.task_id}${suffix}`;
  return session.tokenTenantId ? apiUrl(session, path) : apiUrl(session, path, { tenant_id: task.tenant_id ?? session.tenantId }, true);
}

export function progressText(task: Task): string {
  if (!task.progress) return '—';
  const { done, total } = task.progress;
  return total ? `${done} / ${total} (${Math.floor((done / total) * 100)}%)` : String(done);
}

/** Reads a task every second until it has finished. */
export function usePolledTask(session: Session, taskId: string | undefined): { task: Task | undefined; error: unknown } {
  const [task, setTask] = useState<Task>();
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    setTask(undefined);
    setError(undefined);
    if (!taskId) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let live = true;
    const poll = () =>
      getJson<Task>(session, taskUrl(session, { task_id: taskId })).then(
        (next) => {
          if (!live) return;
          setTask(next);
          if (!isFinished(next)) timer = setTimeout(poll, 1000);
        },
        (failure: unknown) => live && setError(failure),
      );
    void poll();
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [taskId]);
  return { task, error };
}
