import type { Pool } from 'pg';
import type { TaskRef } from '../../domain/task';
import { withTenantTx, type TenantTx } from '../../adapters/postgres/tenant-transaction';
import type { TaskPublisher } from '../../adapters/sqs/task-publisher';
import type { Logger } from '../../platform/observability/logger';

export interface TaskOutbox {
  /**
   * Runs `write` in one transaction of the tenant, in which it writes its task rows (the outbox);
   * after commit publishes the refs it returns. A failed publish is only logged: the committed row
   * is already safe, and the outbox relay publishes it again.
   */
  commit<T>(tenantId: string, write: (tx: TenantTx) => Promise<{ value: T; publish: readonly TaskRef[] }>): Promise<T>;
  /** The publishing half alone, for rows committed by a transaction of the caller's own. */
  publishCommitted(ref: TaskRef): Promise<void>;
}

export function createTaskOutbox(deps: { pool: Pool; publisher: TaskPublisher; logger: Logger }): TaskOutbox {
  const { pool, publisher, logger } = deps;

  async function publishCommitted(ref: TaskRef): Promise<void> {
    try {
      await publisher.publish(ref);
    } catch (error) {
      logger.warn({ err: error, taskId: ref.taskId, tenantId: ref.tenantId, taskType: ref.taskType }, 'task publish failed; the outbox relay will retry');
    }
  }

  return {
    async commit(tenantId, write) {
      const { value, publish } = await withTenantTx(pool, tenantId, write);
      await Promise.all(publish.map(publishCommitted));
      return value;
    },
    publishCommitted,
  };
}
