import type { Pool } from 'pg';
import type { Logger } from '../../platform/observability/logger';
import type { TaskType } from '../../domain/task';
import type { TaskPublisher } from '../../adapters/sqs/task-publisher';

export interface OutboxRelayDeps {
  pool: Pool;
  publisher: TaskPublisher;
  logger: Logger;
  /** A task whose run has not started this long after it was written (or last re-published) is published again. */
  minAgeMs: number;
  /** Cap of the doubling wait between re-publishes of one task, so a long outage does not flood the queue. */
  maxBackoffMs: number;
  intervalMs: number;
  batchSize?: number;
}

/**
 * The outbox half of "nothing accepted is lost": the API publishes after commit, and this relay
 * re-publishes every task still unstarted after a delay, so a crash between commit and publish
 * only delays the event. Duplicates are harmless: workflow ids derive from task ids. Each further
 * re-publish of one task waits twice as long (up to maxBackoffMs): while Temporal is down none can start it.
 */
export function createOutboxRelay(deps: OutboxRelayDeps) {
  const { pool, publisher, logger, minAgeMs, maxBackoffMs, intervalMs, batchSize = 100 } = deps;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;
  let stopped = true;

  async function relayOnce(): Promise<number> {
    const claimed = await pool.query<{ task_id: string; tenant_id: string; task_type: TaskType; retry_count: number }>(
      `SELECT task_id, tenant_id, task_type, retry_count
         FROM claim_unstarted_tasks(make_interval(secs => $1::double precision / 1000), $2, make_interval(secs => $3::double precision / 1000))`,
      [minAgeMs, batchSize, maxBackoffMs],
    );
    const results = await Promise.allSettled(
      claimed.rows.map((row) => publisher.publish({ taskId: row.task_id, tenantId: row.tenant_id, taskType: row.task_type, retryCount: row.retry_count })),
    );
    const unpublished = claimed.rows.filter((_, i) => results[i]!.status === 'rejected').map((row) => row.task_id);
    if (unpublished.length) await pool.query('SELECT unclaim_unpublished_tasks($1::uuid[])', [unpublished]);
    const failed = unpublished.length;
    if (claimed.rowCount) logger.info({ republished: claimed.rowCount - failed, failed }, 'outbox relay re-published unstarted tasks');
    return claimed.rowCount ?? 0;
  }

  function schedule() {
    if (stopped) return;
    timer = setTimeout(() => {
      running = relayOnce().catch((error: unknown) => {
        logger.warn({ err: error }, 'outbox relay pass failed');
        return 0;
      });
      void running.finally(schedule);
    }, intervalMs);
  }

  return {
    relayOnce,
    start() {
      stopped = false;
      schedule();
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
