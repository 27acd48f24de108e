import { ApplicationFailure, Context } from '@temporalio/activity';
import { BulkRequestError } from '../adapters/opensearch/bulk-request-error';

/** How an activity that talks to a dependency decides between "wait it out" and "give up". */
export interface OutageRetryPolicy {
  /** How long, from the first attempt, attempts go on while a dependency is unreachable or overloaded. */
  outageBudgetMs: number;
  /** Attempts allowed for any other failure (a bug, a refusal) before the task fails. */
  otherAttempts: number;
}

/** PostgreSQL refusing or dropping connections, or shutting down (SQLSTATE class 08, 57P01–57P03). */
function isDatabaseOutage(error: { code?: unknown }): boolean {
  const { code } = error;
  if (typeof code !== 'string') return false;
  return ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', '57P01', '57P02', '57P03'].includes(code) || code.startsWith('08');
}

/** A failure that says a dependency is down or overloaded, not that the work is wrong: waiting heals it. */
export function isDependencyOutage(error: unknown): boolean {
  if (error instanceof BulkRequestError) return error.transient;
  if (error instanceof Error && /Connection terminated|timeout exceeded when trying to connect/i.test(error.message)) return true;
  return typeof error === 'object' && error !== null && isDatabaseOutage(error as { code?: unknown });
}

const minutes = (ms: number) => `${Math.round(ms / 60_000)} min`;

/**
 * Runs one attempt of `work`. An outage failure is rethrown as retryable until the budget, counted
 * from the activity's first attempt, is spent; any other failure is retryable for `otherAttempts`
 * attempts. Past either, the failure is made non-retryable (same type, so the task's error_msg
 * reads as before), because the activity's retry policy itself is only a far backstop.
 */
export async function outlastingOutages<T>(policy: OutageRetryPolicy, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const { attempt, scheduledTimestampMs } = Context.current().info;
    const type = error instanceof Error ? error.name : 'Error';
    const message = error instanceof Error ? error.message : String(error);
    if (isDependencyOutage(error)) {
      const waited = Date.now() - scheduledTimestampMs;
      if (waited < policy.outageBudgetMs) throw error;
      throw ApplicationFailure.nonRetryable(`still failing after ${minutes(waited)} of attempts (${attempt}): ${message}`, type);
    }
    if (attempt >= policy.otherAttempts) throw ApplicationFailure.nonRetryable(message, type);
    throw error;
  }
}
