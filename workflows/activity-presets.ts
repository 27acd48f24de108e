import type { ActivityOptions } from '@temporalio/workflow';

const PERMANENT = ['TaskNotFoundError', 'DocumentRejectedError'];

/** Short database writes: task status mirrors. */
export const statusUpdate: ActivityOptions = {
  startToCloseTimeout: '15 seconds',
  retry: { initialInterval: '500 ms', backoffCoefficient: 2, maximumInterval: '15 seconds', maximumAttempts: 20, nonRetryableErrorTypes: PERMANENT },
};

/** Loading rows and bulk-indexing them; a failing OpenSearch is retried for a few minutes, then the task fails. */
export const indexing: ActivityOptions = {
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 8, nonRetryableErrorTypes: PERMANENT },
};
