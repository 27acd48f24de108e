import { createHash } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { TypedSearchAttributes } from '@temporalio/common';
import type { Pool } from 'pg';
import { indexTaskRuns } from '../db/index-task-runs';
import { withTenantTx } from '../db/tenant-transaction';
import { workflowIdFor, type TaskRef } from '../domain/task';
import type { StartOutcome } from './task-bridge';
import { TASK_TYPE_ATTRIBUTE, TENANT_ID_ATTRIBUTE } from './workflow-routing';

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

/** Starts one index run for all of a tenant's reindex tasks in a received batch of messages. */
export function createIndexBatchStarter(deps: { temporal: Client; taskQueue: string; pool: Pool }) {
  const { temporal, taskQueue, pool } = deps;

  return async function startIndexBatch(tenantId: string, refs: readonly TaskRef[]): Promise<IndexBatchStart> {
    const candidates = uniqueByTask(refs);
    const startable = await withTenantTx(pool, tenantId, (tx) =>
      indexTaskRuns(tx).startable(tenantId, candidates.map((ref) => ({ taskId: ref.taskId, retryCount: ref.retryCount ?? 0 }))),
    );
    const batch = candidates.filter((ref) => startable.has(ref.taskId));
    if (batch.length === 0) return { outcome: 'stale' };
    const taskIds = batch.map((ref) => ref.taskId);
    try {
      const handle = await temporal.workflow.start('indexTaskBatchWorkflow', {
        taskQueue,
        workflowId: indexBatchWorkflowId(batch),
        args: [{ tenantId, taskIds }],
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        workflowIdConflictPolicy: 'FAIL',
        typedSearchAttributes: new TypedSearchAttributes([
          { key: TENANT_ID_ATTRIBUTE, value: tenantId },
          { key: TASK_TYPE_ATTRIBUTE, value: 'reindex' },
        ]),
      });
      await withTenantTx(pool, tenantId, (tx) => indexTaskRuns(tx).recordStart(tenantId, taskIds, handle.workflowId, handle.firstExecutionRunId));
      return { outcome: 'started', closed: handle.result() };
    } catch (error) {
      if (error instanceof WorkflowExecutionAlreadyStartedError) return { outcome: 'already-started' };
      throw error;
    }
  };
}
