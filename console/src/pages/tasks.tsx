import { useEffect, useState } from 'preact/hooks';
import { apiUrl, getJson, postJson } from '../api';
import { Problem } from '../components/problem';
import { navigate, type Route } from '../route';
import type { Session } from '../session';
import { progressText, TASK_STATUSES, TASK_TYPES, taskUrl, type Task } from '../task';

interface TaskList {
  items: Task[];
  page: number;
  page_size: number;
  total: number;
}

export function TasksPage({ session, route }: { session: Session; route: Route }) {
  const type = route.params.get('type') ?? '';
  const status = route.params.get('status') ?? '';
  const page = Number(route.params.get('page') ?? '1');
  const [list, setList] = useState<TaskList>();
  const [error, setError] = useState<unknown>();
  const [reloads, setReloads] = useState(0);
  const canRetry = session.role === 'admin';
  const go = (change: Record<string, string | undefined>) => navigate('/tasks', { type, status, page: String(page), ...change });

  useEffect(() => {
    let live = true;
    // A platform admin who picked no tenant sees every tenant's tasks.
    const url = apiUrl(session, '/tasks', { type, status, page: String(page), page_size: '20' }, !session.tenantId);
    getJson<TaskList>(session, url).then(
      (result) => live && (setList(result), setError(undefined)),
      (failure: unknown) => live && setError(failure),
    );
    return () => {
      live = false;
    };
  }, [type, status, page, reloads, session.tenantId]);

  const retry = async (task: Task) => {
    try {
      await postJson(session, taskUrl(session, task, '/retry'));
      setReloads((count) => count + 1);
    } catch (failure) {
      setError(failure);
    }
  };

  const pages = list ? Math.max(1, Math.ceil(list.total / list.page_size)) : 1;
  return (
    <section aria-labelledby="tasks-title">
      <h1 id="tasks-title">Background tasks</h1>
      <div class="toolbar">
        <label for="tasks-type">Type</label>
        <select id="tasks-type" value={type} onChange={(event) => go({ type: event.currentTarget.value, page: '1' })}>
          <option value="">Any</option>
          {TASK_TYPES.map((name) => (
            <option key={name}>{name}</option>
          ))}
        </select>
        <label for="tasks-status">Status</label>
        <select id="tasks-status" value={status} onChange={(event) => go({ status: event.currentTarget.value, page: '1' })}>
          <option value="">Any</option>
          {TASK_STATUSES.map((name) => (
            <option key={name}>{name}</option>
          ))}
        </select>
        <button type="button" class="secondary" onClick={() => setReloads((count) => count + 1)}>
          Refresh
        </button>
      </div>
      <Problem error={error} />
      {list && (
        <div class="table-wrap">
          <table class="tasks">
            <caption>{list.total} tasks, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Created</th>
                <th scope="col">Type</th>
                <th scope="col">Status</th>
                <th scope="col">Progress</th>
                <th scope="col">Attempts</th>
                <th scope="col">Last error</th>
                <th scope="col">Run</th>
                {canRetry && <th scope="col">Retry</th>}
              </tr>
            </thead>
            <tbody>
              {list.items.map((task) => (
                <tr key={task.task_id} data-task-id={task.task_id}>
                  <td title={task.task_id}>{new Date(task.created_at).toLocaleString()}</td>
                  <td>{task.task_type}</td>
                  <td>
                    <span class={`status ${task.status}`}>{task.status}</span>
                  </td>
                  <td>{progressText(task)}</td>
                  <td>{task.attempts}</td>
                  <td class="message">{task.error_msg ?? ''}</td>
                  <td>
                    {task.temporal_ui_url ? (
                      <a href={task.temporal_ui_url} target="_blank" rel="noopener noreferrer">
                        Temporal UI<span class="visually-hidden"> for task {task.task_id}</span>
                      </a>
                    ) : (
                      '—'
                    )}
                  </td>
                  {canRetry && (
                    <td>
                      {task.status === 'failed' && (
                        <button type="button" onClick={() => void retry(task)}>
                          Retry<span class="visually-hidden"> task {task.task_id}</span>
                        </button>
                      )}
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <nav class="pager" aria-label="Pages">
        <button type="button" disabled={page <= 1} onClick={() => go({ page: String(page - 1) })}>
          Previous page
        </button>
        <span>
          Page {page} of {pages}
        </span>
        <button type="button" disabled={page >= pages} onClick={() => go({ page: String(page + 1) })}>
          Next page
        </button>
      </nav>
    </section>
  );
}
