import type { Pool } from 'pg';
import type { CleanupRequester } from '../features/retention/request-cleanup';
import type { LogIndexer } from '../adapters/opensearch/log-indexer';
import type { RetentionActivityDeps } from './retention-deps';
import type { OutageRetryPolicy } from './outage-retries';
import { createRetentionActivities } from './retention-activities';
import { createIndexBatchActivities } from './index-batch-activities';
import { createReindexTenantActivities } from './reindex-tenant-activities';
import { createRetentionSweepActivities } from './retention-sweep-activities';
import { createTaskStatusActivities } from './task-status-activities';

export interface ActivityDeps extends RetentionActivityDeps {
  pool: Pool;
  indexer: LogIndexer;
  /** When index activities wait out an outage of OpenSearch or PostgreSQL, and when they give up. */
  indexRetries: OutageRetryPolicy;
  /** Starts an archive → cleanup chain; the scheduled retention sweep calls it per tenant. */
  cleanupRequester: CleanupRequester;
}

/** Every activity the worker registers, built once per worker over explicit clients. */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createTaskStatusActivities(deps.pool),
    ...createIndexBatchActivities(deps),
    ...createRetentionActivities(deps),
    ...createReindexTenantActivities(deps),
    ...createRetentionSweepActivities({ pool: deps.pool, requester: deps.cleanupRequester, logger: deps.logger }),
  };
}

export type Activities = ReturnType<typeof createActivities>;
