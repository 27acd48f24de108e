import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { logsRepository } from '../../adapters/postgres/logs-repository';
import { tasksRepository } from '../../adapters/postgres/tasks-repository';
import { withTenantTx } from '../../adapters/postgres/tenant-transaction';
import { reindexPayload } from '../../domain/event-time-range';
import type { LogEventInput } from '../../domain/log-event';
import { toNewLogRow } from '../../features/ingest/normalize-event';
import { tokenFor, validEvent } from './fixtures';
import { claimSeededEventIds, waitForTask } from './retention';
import type { TestSystem } from './system';
import { waitFor } from './wait-for';

export interface LeafRow {
  seq: number;
  log_id: string;
  leaf_hash: Buffer;
}

/** The tenant's leaves as the database holds them (owner role: what is there, not what the service says). */
export async function leavesOf(system: TestSystem, tenantId: string): Promise<LeafRow[]> {
  const { rows } = await system.ownerPool.query<{ seq: string; log_id: string; leaf_hash: Buffer }>(
    'SELECT seq, log_id, leaf_hash FROM integrity_leaves WHERE tenant_id = $1 ORDER BY seq',
    [tenantId],
  );
  return rows.map((row) => ({ seq: Number(row.seq), log_id: row.log_id, leaf_hash: row.leaf_hash }));
}

export async function logCount(system: TestSystem, tenantId: string): Promise<number> {
  const { rows } = await system.ownerPool.query<{ n: string }>('SELECT count(*) AS n FROM logs WHERE tenant_id = $1', [tenantId]);
  return Number(rows[0]?.n ?? 0);
}

/** Waits until every event of the tenant is sealed and a checkpoint covers them all; returns the tree size. */
export async function waitForSealed(system: TestSystem, tenantId: string, expected: number, timeoutMs = 60_000): Promise<number> {
  return waitFor(
    `${expected} sealed events and a checkpoint of them in tenant ${tenantId}`,
    async () => {
      const { rows } = await system.ownerPool.query<{ leaves: string; checkpoint: string | null }>(
        `SELECT (SELECT count(*) FROM integrity_leaves WHERE tenant_id = $1) AS leaves,
                (SELECT max(tree_size) FROM integrity_checkpoints WHERE tenant_id = $1) AS checkpoint`,
        [tenantId],
      );
      const row = rows[0];
      return row && Number(row.leaves) === expected && Number(row.checkpoint) === expected && expected;
    },
    { timeoutMs, intervalMs: 250 },
  );
}

/** Ingests `count` events through the API in bulk requests of at most `perRequest`, returns their ids in order. */
export async function ingestEvents(system: TestSystem, tenantId: string, count: number, tag = 'e', perRequest = 50): Promise<string[]> {
  const token = tokenFor(system, 'user', tenantId);
  const ids: string[] = [];
  for (let start = 0; start < count; start += perRequest) {
    const logs = Array.from({ length: Math.min(perRequest, count - start) }, (_, i) => validEvent({ message: `${tag} ${start + i}`, metadata: { n: start + i, tag } }));
    const response = await system.api.http.post('/api/v1/logs/bulk', { token, body: { logs } });
    if (response.status !== 201) throw new Error(`bulk ingest answered ${response.status}: ${response.text}`);
    ids.push(...(response.body.ids as string[]));
  }
  return ids;
}

/** Runs POST /integrity/verify for the tenant and returns the finished task's result. */
export async function verifyOverHttp(system: TestSystem, tenantId: string, body: Record<string, unknown> = {}): Promise<any> {
  const response = await system.api.http.post('/api/v1/integrity/verify', { token: tokenFor(system, 'auditor', tenantId), body });
  if (response.status !== 202) throw new Error(`verify answered ${response.status}: ${response.text}`);
  const task = await waitForTask(system, response.body.task_id as string, 'succeeded');
  expect(task.task_type).to.equal('integrity_verify');
  return task.result;
}

/**
 * Writes events as ingest's transaction writes them (rows and their reindex task), but the task never
 * reaches the bridge: no seal is requested, as when a request was lost or the tenant's sealer stopped.
 * Their event ids are claimed as ingest claims them.
 */
export async function writeUnsealedEvents(system: TestSystem, tenantId: string, events: readonly Record<string, unknown>[]): Promise<string[]> {
  const rows = events.map((event) => toNewLogRow(event as unknown as LogEventInput, 'ingest', new Date()));
  const taskId = randomUUID();
  await withTenantTx(system.appPool, tenantId, async (tx) => {
    await logsRepository(tx).insertMany(tenantId, rows);
    await tasksRepository(tx).createStarted(tenantId, { taskId, taskType: 'reindex', userId: 'ingest', payload: reindexPayload(rows), workflowId: `test-${taskId}`, runId: 'test' });
  });
  await system.ownerPool.query(`UPDATE async_task SET status = 'succeeded', updated_at = now() WHERE task_id = $1`, [taskId]);
  await claimSeededEventIds(system, tenantId);
  return rows.map((row) => row.id);
}

/**
 * The tenant's log after its sealer was interrupted: seqs 1..n with no gap, the leaves sealed
 * before the interruption unchanged, every ingested event exactly once, and verify finds nothing.
 */
export async function expectLogContinued(system: TestSystem, tenantId: string, beforeInterruption: readonly LeafRow[], ids: readonly string[]): Promise<void> {
  const leaves = await leavesOf(system, tenantId);
  expect(leaves.map((leaf) => leaf.seq)).to.deep.equal(Array.from({ length: ids.length }, (_, i) => i + 1));
  expect(leaves.slice(0, beforeInterruption.length)).to.deep.equal(beforeInterruption);
  expect(new Set(leaves.map((leaf) => leaf.log_id))).to.deep.equal(new Set(ids));

  const result = await verifyOverHttp(system, tenantId);
  expect(result.problems).to.deep.equal([]);
  expect(result.events_checked).to.equal(ids.length);
}
