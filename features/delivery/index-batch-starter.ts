import { createHash } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { Pool } from 'pg';
import { indexTaskRuns } from '../../adapters/postgres/index-task-runs';
import { withTenantTx } from '../../adapters/postgres/tenant-transaction';
import { workflowIdFor, type TaskRef } from '../../domain/task';
import type { StartOutcome } from './start-outcome';
import { MAX_LISTED_IDS, startTaskWorkflow } from '../../adapters/temporal/start-task-workflow';
import { chunks } from '../../domain/chunks';

/**
 * The same set of tasks always gets the same id, so a redelivered batch is rejected as a duplicate;
 * a batch of one keeps the per-task id (`reindex-<task>`, `…-retry-<n>`) that is easy to find.
 */
export function indexBatchWorkflowId(refs: readonly TaskRef[]): string {
  if (refs.length === 1) return workflowIdFor(refs[0] as TaskRef);
  const members = refs.map((ref) => `${ref.taskId}:${ref.retryCount ?? 0}`).sort();
  return `reindex-batch-${createHash('sha256').update(members.join(',')).digest('hex').slice(0, 32)}`;
}

function uniqueByTask(refs: readonly TaskRef[]): TaskRef[] {
  return [...new Map(refs.map((ref) => [`${ref.taskId}:${ref.retryCount ?? 0}`, ref])).values()];
}

export interface IndexBatchStart {
  outcome: StartOutcome;
  /** Settles when the run this call started closes; absent when it started none. */
  closed?: Promise<unknown>;
}

/** Items grouped by their ref's tenant, in order of first appearance. */
export function groupByTenant<T>(items: readonly T[], refOf: (item: T) => TaskRef): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const { tenantId } = refOf(item);
    groups.set(tenantId, [...(groups.get(tenantId) ?? []), item]);
  }
  return groups;
}

/**
 * Starts one index run for all the reindex tasks of a received batch of messages, whatever their
 * tenants (each tenant's tasks are then handled in transactions of that tenant), or one run per 40
 * tenants when more arrived together: a run lists every tenant it works for in its TenantId search
 * attribute, so the Temporal UI finds it under each of them.
 */
export function createIndexBatchStarter(deps: { temporal: Client; taskQueue: string; pool: Pool }) {
  const { temporal, taskQueue, pool } = deps;

  async function startableOf(tenantId: string, refs: readonly TaskRef[]): Promise<TaskRef[]> {
    const startable = await withTenantTx(pool, tenantId, (tx) =>
      indexTaskRuns(tx).startable(tenantId, refs.map((ref) => ({ taskId: ref.taskId, retryCount: ref.retryCount ?? 0 }))),
    );
    return refs.filter((ref) => startable.has(ref.taskId));
  }

  async function startRun(tenants: readonly { tenantId: string; refs: TaskRef[] }[]): Promise<IndexBatchStart> {
    const batch = tenants.flatMap((tenant) => tenant.refs);
    const handle = await startTaskWorkflow(temporal, taskQueue, {
      taskType: 'reindex',
      workflowId: indexBatchWorkflowId(batch),
      input: { tenants: tenants.map((tenant) => ({ tenantId: tenant.tenantId, taskIds: tenant.refs.map((ref) => ref.taskId) })) },
      tenantIds: tenants.map((tenant) => tenant.tenantId),
      taskIds: batch.map((ref) => ref.taskId),
    });
    if (!handle) return { outcome: 'already-started' };
    for (const tenant of tenants) {
      const taskIds = tenant.refs.map((ref) => ref.taskId);
      await withTenantTx(pool, tenant.tenantId, (tx) => indexTaskRuns(tx).recordStart(tenant.tenantId, taskIds, handle.workflowId, handle.firstExecutionRunId));
    }
    return { outcome: 'started', closed: handle.result() };
  }

  return async function startIndexBatch(refs: readonly TaskRef[]): Promise<IndexBatchStart> {
    const groups = groupByTenant(uniqueByTask(refs), (ref) => ref);
    const tenants = (await Promise.all([...groups].map(async ([tenantId, group]) => ({ tenantId, refs: await startableOf(tenantId, group) })))).filter(
      (tenant) => tenant.refs.length > 0,
    );
    if (tenants.length === 0) return { outcome: 'stale' };
    const starts = await Promise.all([...chunks(tenants, MAX_LISTED_IDS)].map(startRun));
    const closed = starts.flatMap((start) => (start.closed ? [start.closed] : []));
    if (closed.length === 0) return { outcome: starts.some((start) => start.outcome === 'already-started') ? 'already-started' : 'stale' };
    return { outcome: 'started', closed: Promise.allSettled(closed) };
  };
}
