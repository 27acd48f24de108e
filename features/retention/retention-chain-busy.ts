import type { UnfinishedChainTask } from '../../adapters/postgres/retention-chain-repository';

/**
 * A cleanup was requested while one of the tenant's archive → cleanup chains has not finished.
 * Running a second chain could archive the same rows twice, so the request is refused; the task
 * named is the way on (wait for it, or retry it if it failed).
 */
export class RetentionChainBusyError extends Error {
  override readonly name = 'RetentionChainBusyError';
  readonly taskId: string;
  readonly blocker: UnfinishedChainTask;

  constructor(blocker: UnfinishedChainTask) {
    const next =
      blocker.status === 'failed'
        ? `it failed: retry it with POST /api/v1/tasks/${blocker.taskId}/retry, which finishes the chain, before requesting another cleanup`
        : 'wait for it to finish before requesting another cleanup';
    super(`the tenant's ${blocker.taskType} task ${blocker.taskId} is ${blocker.status}; ${next}`);
    this.taskId = blocker.taskId;
    this.blocker = blocker;
  }
}
