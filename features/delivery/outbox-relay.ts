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
  intervalMs: number;
  batchSize?: number;
}

/**
 * The outbox half of "nothing accepted is lost": the API publishes after commit, and this relay
 * re-publishes every task still unstarted after a delay, so a crash between commit and publish
 * only delays the event. Duplicates are harmless: workflow ids derive from task ids.
 */
export function createOutboxRelay(deps: OutboxRelayDeps) {
  const { pool, publisher, logger, minAgeMs, intervalMs, batchSize = 100 } = deps;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;
  let stopped = true;

  async function relayOnce(): Promise<number> {
    const claimed = await pool.query<{ task_id: string; tenant_id: string; task_type: TaskType; retry_count: number }>(
      'SELECT task_id, tenant_id, task_type, retry_count FROM claim_unstarted_tasks(make_interval(secs => $1::double precision / 1000), $2)',
      [minAgeMs, batchSize],
    );
    const results = await Promise.allSettled(
      claimed.rows.map((row) => publisher.publish({ taskId: row.task_id, tenantId: row.tenant_id, taskType: row.task_type, retryCount: row.retry_count })),
    );
    const failed = results.filter((r) => r.status === 'rejected').length;
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
