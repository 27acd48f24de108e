import { assertTenant, type TenantTx } from './tenant-transaction';

/** A reindex task as one batch run sees it: its id and the log ids it carries. */
export interface ClaimedIndexTask {
  taskId: string;
  logIds: string[];
  /** Characters of the events' JSON as ingested; null on tasks written before it was counted. */
  bytes: number | null;
}

export interface IndexTaskOutcome {
  taskId: string;
  indexed: number;
  missing: number;
  /** Why OpenSearch refused a document of this task: the task fails with it, the others of its run do not. */
  rejection?: string;
}

/**
 * The `reindex` tasks of one tenant handled many at a time: the bridge starts one run for a batch
 * and each state change is one statement over the batch. A task belongs to the run that claimed it
 * (workflow_id), so a second run over the same task (a split redelivery) finds nothing to do.
 */
export function indexTaskRuns(tx: TenantTx) {
  const ids = async <T extends { task_id: string }>(sql: string, params: unknown[]) =>
    (await tx.client.query<T>(sql, params)).rows.map((row) => row.task_id);

  return {
    /** The tasks among `taskIds` that wait for a first run of generation `retryCount` (the bridge's stale check). */
    async startable(tenantId: string, refs: readonly { taskId: string; retryCount: number }[]): Promise<Set<string>> {
      assertTenant(tx, tenantId);
      const result = await tx.client.query<{ task_id: string; retry_count: number }>(
        `SELECT task_id, retry_count FROM async_task
          WHERE tenant_id = $1 AND task_id = ANY($2::uuid[]) AND task_type = 'reindex' AND status = 'pending' AND workflow_id IS NULL`,
        [tenantId, refs.map((ref) => ref.taskId)],
      );
      const generation = new Map(result.rows.map((row) => [row.task_id, row.retry_count]));
      return new Set(refs.filter((ref) => generation.get(ref.taskId) === ref.retryCount).map((ref) => ref.taskId));
    },

    /** Also tells the outbox relay to stop re-publishing these tasks. */
    recordStart: (tenantId: string, taskIds: readonly string[], workflowId: string, runId: string) => {
      assertTenant(tx, tenantId);
      return ids(
        `UPDATE async_task SET workflow_id = $3, run_id = $4, error_msg = NULL, updated_at = now()
          WHERE tenant_id = $1 AND task_id = ANY($2::uuid[]) AND status = 'pending' AND workflow_id IS NULL
          RETURNING task_id`,
        [tenantId, taskIds, workflowId, runId],
      );
    },

    /**
     * Takes the tasks no other run has claimed: pending ones, or this run's own after a replay or a
     * reset from the Temporal UI (running or failed under the same workflow id).
     */
    claim: (tenantId: string, taskIds: readonly string[], workflowId: string, runId: string) => {
      assertTenant(tx, tenantId);
      return ids(
        `UPDATE async_task SET status = 'running', workflow_id = $3, run_id = $4, error_msg = NULL, updated_at = now()
          WHERE tenant_id = $1 AND task_id = ANY($2::uuid[]) AND task_type = 'reindex'
            AND (status = 'pending' OR (status IN ('running', 'failed') AND workflow_id = $3))
          RETURNING task_id`,
        [tenantId, taskIds, workflowId, runId],
      );
    },

    /** Counts an attempt on each task this run still holds and returns what they carry. */
    async startAttempt(tenantId: string, taskIds: readonly string[], workflowId: string): Promise<ClaimedIndexTask[]> {
      assertTenant(tx, tenantId);
      const result = await tx.client.query<{ task_id: string; log_ids: unknown; bytes: unknown }>(
        `UPDATE async_task SET attempts = attempts + 1, updated_at = now()
          WHERE tenant_id = $1 AND task_id = ANY($2::uuid[]) AND workflow_id = $3 AND status = 'running'
          RETURNING task_id, payload->'log_ids' AS log_ids, payload->'bytes' AS bytes`,
        [tenantId, taskIds, workflowId],
      );
      return result.rows.map((row) => ({
        taskId: row.task_id,
        logIds: Array.isArray(row.log_ids) ? (row.log_ids as string[]) : [],
        bytes: typeof row.bytes === 'number' ? row.bytes : null,
      }));
    },

    complete: (tenantId: string, workflowId: string, outcomes: readonly IndexTaskOutcome[]) => {
      assertTenant(tx, tenantId);
      return ids(
        `UPDATE async_task AS task
            SET status = 'succeeded', error_msg = NULL, updated_at = now(),
                result = jsonb_build_object('indexed', outcome.indexed, 'missing', outcome.missing),
                progress_done = outcome.indexed + outcome.missing
           FROM unnest($3::uuid[], $4::int[], $5::int[]) AS outcome(task_id, indexed, missing)
          WHERE task.tenant_id = $1 AND task.task_id = outcome.task_id AND task.workflow_id = $2 AND task.status = 'running'
          RETURNING task.task_id`,
        [tenantId, workflowId, outcomes.map((o) => o.taskId), outcomes.map((o) => o.indexed), outcomes.map((o) => o.missing)],
      );
    },

    fail: (tenantId: string, taskIds: readonly string[], workflowId: string, message: string) => {
      assertTenant(tx, tenantId);
      return ids(
        `UPDATE async_task SET status = 'failed', error_msg = $4, updated_at = now()
          WHERE tenant_id = $1 AND task_id = ANY($2::uuid[]) AND workflow_id = $3 AND status = 'running'
          RETURNING task_id`,
        [tenantId, taskIds, workflowId, message],
      );
    },
  };
}
