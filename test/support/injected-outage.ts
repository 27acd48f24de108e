import { ApplicationFailure } from '@temporalio/common';
import type { WorkerOptions } from '../../workers/compose-temporal-worker';

/**
 * Worker options whose reindex activity does its real work and then fails permanently while
 * `outage()` holds, as a dependency that breaks at the end of a run would: the task fails with
 * `InjectedOutage: search cluster went read-only`, and a retry after the outage succeeds.
 */
export function reindexFailingDuring(outage: () => boolean): WorkerOptions {
  return {
    wrapActivities: (activities) => ({
      ...activities,
      reindexTenantRange: async (input) => {
        const result = await activities.reindexTenantRange(input);
        if (outage()) throw ApplicationFailure.nonRetryable('search cluster went read-only', 'InjectedOutage');
        return result;
      },
    }),
  };
}
