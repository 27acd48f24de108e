import { useEffect, useState } from 'preact/hooks';
import { ApiError, apiUrl, getJson, postJson } from '../api';
import { Problem } from '../components/problem';
import { TaskSummary } from '../components/task-summary';
import type { Session } from '../session';
import { usePolledTask } from '../task';

interface Checkpoint {
  origin: string;
  tree_size: number;
  root_hash: string;
  key_id: string;
  note: string;
  created_at: string;
}

interface VerifyResult {
  events_checked: number;
  checkpoints_checked: number;
  ok: boolean;
  /** The first 1,000 by seq. */
  problems: Array<{ kind: string; seq: number | null; id: string | null; detail: string }>;
  /** All of them; absent from results of verifications run before they were counted. */
  problems_count?: number;
  problems_by_kind?: Record<string, number>;
}

const PROBLEMS_SHOWN = 10;

/** Counts of every problem by kind: the result's own, or those listed in a result that has none. */
function countsByKind(result: VerifyResult): Map<string, number> {
  if (result.problems_by_kind) return new Map(Object.entries(result.problems_by_kind));
  const byKind = new Map<string, number>();
  for (const problem of result.problems) byKind.set(problem.kind, (byKind.get(problem.kind) ?? 0) + 1);
  return byKind;
}

/** The verdict, every problem counted by kind, with the first few named. */
function VerifyOutcome({ result }: { result: VerifyResult }) {
  const byKind = countsByKind(result);
  const total = result.problems_count ?? result.problems.length;
  return (
    <>
      <p class={result.ok ? 'ok' : 'problem'} role="status">
        {result.ok ? 'Intact' : 'Problems found'}: {result.events_checked} events and {result.checkpoints_checked} checkpoints checked
        {byKind.size > 0 && `; ${[...byKind].map(([kind, count]) => `${count} ${kind}`).join(', ')}`}
      </p>
      {total > PROBLEMS_SHOWN && <p class="problems-shown">The first {PROBLEMS_SHOWN} of {total} problems, by seq:</p>}
      {result.problems.length > 0 && (
        <ul class="problems">
          {result.problems.slice(0, PROBLEMS_SHOWN).map((problem, index) => (
            <li key={index}>
              {problem.kind} {problem.seq !== null ? `at seq ${problem.seq}` : ''} {problem.id ?? ''}: {problem.detail}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

export function IntegrityPage({ session }: { session: Session }) {
  const [checkpoint, setCheckpoint] = useState<Checkpoint | null>();
  const [error, setError] = useState<unknown>();
  const [taskId, setTaskId] = useState<string>();
  const { task, error: taskError } = usePolledTask(session, taskId);

  useEffect(() => {
    getJson<Checkpoint>(session, apiUrl(session, '/integrity/checkpoints/latest')).then(setCheckpoint, (failure: unknown) =>
      failure instanceof ApiError && failure.status === 404 ? setCheckpoint(null) : setError(failure),
    );
  }, [session.tenantId]);

  const verify = async () => {
    setError(undefined);
    try {
      setTaskId((await postJson<{ task_id: string }>(session, apiUrl(session, '/integrity/verify'), {})).task_id);
    } catch (failure) {
      setError(failure);
    }
  };
  const result = task?.status === 'succeeded' ? (task.result as unknown as VerifyResult | null) : null;

  return (
    <section aria-labelledby="integrity-title">
      <h1 id="integrity-title">Integrity</h1>
      <p>Events are sealed into a signed, append-only Merkle log. Verification recomputes it from the stored events and archives and checks every checkpoint.</p>
      <Problem error={error ?? taskError} />
      <h2>Latest checkpoint</h2>
      {checkpoint === null && <p>No checkpoint yet: events are sealed a few seconds after they arrive.</p>}
      {checkpoint && (
        <dl class="fields">
          <div>
            <dt>Events sealed</dt>
            <dd>{checkpoint.tree_size}</dd>
          </div>
          <div>
            <dt>Signed</dt>
            <dd>{new Date(checkpoint.created_at).toLocaleString()}</dd>
          </div>
          <div>
            <dt>Root hash</dt>
            <dd>
              <code>{checkpoint.root_hash}</code>
            </dd>
          </div>
          <div>
            <dt>Key</dt>
            <dd>{checkpoint.key_id}</dd>
          </div>
        </dl>
      )}
      {checkpoint && <pre class="json" aria-label="Signed note">{checkpoint.note}</pre>}
      <button type="button" onClick={() => void verify()} disabled={taskId !== undefined && task?.status !== 'succeeded' && task?.status !== 'failed'}>
        Verify the whole log
      </button>
      {task && (
        <>
          <h2>Verification</h2>
          <TaskSummary task={task} />
          {result && <VerifyOutcome result={result} />}
        </>
      )}
    </section>
  );
}
