import { Context } from '@temporalio/activity';
import type { Pool } from 'pg';
import { tasksRepository } from '../adapters/postgres/tasks-repository';
import { withTenantTx } from '../adapters/postgres/tenant-transaction';
import type { LogVerifier, VerifyResult } from '../features/integrity/verify-log';
import { InvalidTaskPayloadError, TaskNotFoundError } from '../domain/task-errors';
import { heartbeatingWhile } from './heartbeating-while';
import type { TaskInput } from './task-status-activities';

const timeOf = (value: unknown, name: string): Date | undefined => {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) throw new InvalidTaskPayloadError(`${name} is not a time`);
  return new Date(value);
};

export function createIntegrityVerifyActivities(deps: { pool: Pool; verifier: LogVerifier }) {
  const tasks = <T>(tenantId: string, work: (repo: ReturnType<typeof tasksRepository>) => Promise<T>) => withTenantTx(deps.pool, tenantId, (tx) => work(tasksRepository(tx)));

  return {
    /** Verifies the tenant's log, mirroring progress (leaves read of the tree's size) on the task and heartbeating per page and every 5 s; a retry starts over. */
    async verifyTenantLog(input: TaskInput): Promise<VerifyResult> {
      const context = Context.current();
      const { tenantId, taskId } = input;
      const task = await tasks(tenantId, async (repo) => {
        await repo.recordAttempt(tenantId, taskId);
        return repo.findById(tenantId, taskId);
      });
      if (!task) throw new TaskNotFoundError(`task ${taskId} does not exist in tenant ${tenantId}`);
      const range = { from: timeOf(task.payload.start_time, 'start_time'), to: timeOf(task.payload.end_time, 'end_time') };
      let leavesDone = 0;
      // Between pages of leaves come steps with no page: the archived parts read back, the tenant's
      // unsealed events looked up. On a tenant with years of archives they outlast the heartbeat
      // timeout, and a retry starts over, so they are beaten through as well.
      return heartbeatingWhile(
        deps.verifier(tenantId, range, async (done, total) => {
          leavesDone = done;
          context.heartbeat(done);
          await tasks(tenantId, (repo) => repo.recordProgress(tenantId, taskId, done, total));
        }),
        () => leavesDone,
      );
    },
  };
}
