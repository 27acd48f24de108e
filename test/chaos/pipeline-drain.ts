import { waitFor } from '../support/wait-for';
import type { StoreReaders } from './delivery-check';

interface PipelineState {
  openTasks: number;
  failedTasks: number;
  committed: number;
  indexed: number;
}

async function pipelineState(readers: StoreReaders): Promise<PipelineState> {
  const [tasks, rows] = await Promise.all([
    // A sealer session's task stays running while it waits (IDLE_SECONDS) for the next request: that
    // is a session open, not work left. Every other task must end.
    readers.ownerPool.query<{ open: number; failed: number }>(
      `SELECT count(*) FILTER (WHERE status IN ('pending', 'running'))::int AS open, count(*) FILTER (WHERE status = 'failed')::int AS failed
         FROM async_task WHERE tenant_id = ANY($1::uuid[]) AND task_type <> 'integrity_seal'`,
      [readers.tenantIds],
    ),
    readers.ownerPool.query<{ count: number }>('SELECT count(*)::int AS count FROM logs WHERE tenant_id = ANY($1::uuid[])', [readers.tenantIds]),
  ]);
  await readers.opensearch.indices.refresh({ index: readers.index });
  const indexed = await readers.opensearch.count({ index: readers.index, body: { query: { terms: { tenant_id: [...readers.tenantIds] } } } });
  return { openTasks: tasks.rows[0]?.open ?? 0, failedTasks: tasks.rows[0]?.failed ?? 0, committed: rows.rows[0]?.count ?? 0, indexed: indexed.body.count as number };
}

/**
 * Waits until nothing more will happen: no task pending or running, and every committed row has a
 * document (or a task failed, which no waiting repairs). Logs the backlog now and then.
 * Resolves with false (rather than throwing) at the deadline, so the checker still reports what is missing.
 */
export async function waitForDrain(readers: StoreReaders, timeoutMs: number, log: (line: string) => void): Promise<boolean> {
  let lastLogged = Date.now();
  try {
    await waitFor(
      'the pipeline to drain',
      async () => {
        const state = await pipelineState(readers);
        if (Date.now() - lastLogged > 15_000) {
          log(`draining: ${state.openTasks} tasks pending or running, ${state.indexed} of ${state.committed} rows indexed`);
          lastLogged = Date.now();
        }
        return state.openTasks === 0 && (state.indexed >= state.committed || state.failedTasks > 0);
      },
      { timeoutMs, intervalMs: 1000 },
    );
    return true;
  } catch (error) {
    log(`the pipeline did not drain: ${(error as Error).message}`);
    return false;
  }
}
