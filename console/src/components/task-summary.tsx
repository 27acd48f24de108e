import type { Task } from '../task';
import { progressText } from '../task';

/** One task's state, for pages that started it (export jobs, integrity verification). */
export function TaskSummary({ task }: { task: Task }) {
  return (
    <dl class="fields task-summary" data-task-status={task.status}>
      <div>
        <dt>Task</dt>
        <dd>
          {task.task_type} {task.task_id}
        </dd>
      </div>
      <div>
        <dt>Status</dt>
        <dd>
          <span class={`status ${task.status}`}>{task.status}</span>
        </dd>
      </div>
      <div>
        <dt>Progress</dt>
        <dd>{progressText(task)}</dd>
      </div>
      <div>
        <dt>Attempts</dt>
        <dd>{task.attempts}</dd>
      </div>
      {task.error_msg && (
        <div>
          <dt>Last error</dt>
          <dd>{task.error_msg}</dd>
        </div>
      )}
      {task.temporal_ui_url && (
        <div>
          <dt>Run</dt>
          <dd>
            <a href={task.temporal_ui_url} target="_blank" rel="noopener noreferrer">
              Open in the Temporal UI
            </a>
          </dd>
        </div>
      )}
    </dl>
  );
}
