import { performance } from 'node:perf_hooks';
import type { Pool } from 'pg';

export interface IndexRunCounts {
  tasks: number;
  succeeded: number;
  /** Distinct workflow runs that carried those tasks: far fewer than tasks when batching works. */
  runs: number;
}

async function countIndexRuns(ownerPool: Pool, tenantIds: readonly string[]): Promise<IndexRunCounts> {
  const result = await ownerPool.query<{ tasks: string; succeeded: string; runs: string }>(
    `SELECT count(*) AS tasks, count(*) FILTER (WHERE status = 'succeeded') AS succeeded, count(DISTINCT workflow_id) AS runs
       FROM async_task WHERE tenant_id = ANY($1::uuid[]) AND task_type = 'reindex'`,
    [tenantIds],
  );
  const row = result.rows[0];
  return { tasks: Number(row?.tasks ?? 0), succeeded: Number(row?.succeeded ?? 0), runs: Number(row?.runs ?? 0) };
}

/** Waits until every reindex task of the tenants succeeded (or the timeout passes); returns the counts and when. */
export async function waitForIndexRuns(ownerPool: Pool, tenantIds: readonly string[], timeoutMs: number) {
  const deadline = performance.now() + timeoutMs;
  let counts = await countIndexRuns(ownerPool, tenantIds);
  while (counts.succeeded < counts.tasks && performance.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    counts = await countIndexRuns(ownerPool, tenantIds);
  }
  return { ...counts, at: performance.now() };
}
