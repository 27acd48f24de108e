import { useState } from 'preact/hooks';
import { apiUrl, download, postJson } from '../api';
import { FilterForm, type Filters } from '../components/filters';
import { Problem } from '../components/problem';
import { TaskSummary } from '../components/task-summary';
import type { Session } from '../session';
import { usePolledTask } from '../task';

/** Exports the filtered events: streamed now (small sets) or as a background job whose gzip file is downloaded when done. */
export function ExportsPage({ session }: { session: Session }) {
  const [filters, setFilters] = useState<Filters>({});
  const [format, setFormat] = useState('ndjson');
  const [taskId, setTaskId] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const { task, error: taskError } = usePolledTask(session, taskId);

  const run = async (action: () => Promise<void>) => {
    setBusy(true);
    setError(undefined);
    try {
      await action();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  const downloadNow = () => run(() => download(session, apiUrl(session, '/logs/export', { ...filters, format }), `audit-log.${format}`));
  const startJob = () => run(async () => setTaskId((await postJson<{ task_id: string }>(session, apiUrl(session, '/exports'), { ...filters, format })).task_id));
  const downloadJob = (id: string) => run(() => download(session, apiUrl(session, `/exports/${id}/download`), `audit-log-${id}.${format}.gz`));

  return (
    <section aria-labelledby="exports-title">
      <h1 id="exports-title">Export</h1>
      <p>Choose the events to export. “Download now” streams them straight away; an export job writes a compressed file in the background, for large sets.</p>
      <FilterForm id="export" initial={filters} submitLabel="Use these filters" onSubmit={setFilters} />
      <div class="toolbar">
        <label for="export-format">Format</label>
        <select id="export-format" value={format} onChange={(event) => setFormat(event.currentTarget.value)}>
          <option value="ndjson">NDJSON</option>
          <option value="csv">CSV</option>
        </select>
        <button type="button" disabled={busy} onClick={() => void downloadNow()}>
          Download now
        </button>
        <button type="button" disabled={busy} onClick={() => void startJob()}>
          Start export job
        </button>
      </div>
      <p class="note">Filters in use: {Object.keys(filters).length === 0 ? 'none (every event)' : Object.entries(filters).map(([name, value]) => `${name}=${value}`).join(', ')}</p>
      <Problem error={error ?? taskError} />
      {task && (
        <>
          <h2>Export job</h2>
          <TaskSummary task={task} />
          {task.status === 'succeeded' && (
            <p>
              {String(task.result?.rows ?? '?')} rows, {String(task.result?.bytes ?? '?')} bytes compressed.{' '}
              <button type="button" disabled={busy} onClick={() => void downloadJob(task.task_id)}>
                Download the export file
              </button>
            </p>
          )}
        </>
      )}
    </section>
  );
}
