import type { Pool } from 'pg';
import type { CleanupRequester } from '../features/retention/request-cleanup';
import type { DocumentDayCounts } from '../adapters/opensearch/document-day-counts';
import type { LogIndexer } from '../adapters/opensearch/log-indexer';
import type { LogPartitionSettings } from '../features/log-partitions/ensure-log-partitions';
import { createReconcileRequester } from '../features/tasks/request-reconcile';
import { createReconcileActivities } from './reconcile-activities';
import { createReconcileSealActivity } from './reconcile-seal-activity';
import { createReconcileSweepActivities } from './reconcile-sweep-activities';
import type { ExportExpiry } from '../features/export/export-expiry';
import type { ExportJob } from '../features/export/export-job';
import { createExportActivities } from './export-activities';
import type { RestoredCopies } from '../adapters/opensearch/restored-copies';
import type { RestoreAdmin } from '../features/restore/restore-admin';
import type { RestoreRun } from '../features/restore/restore-run';
import { createRestoreActivities } from './restore-activities';
import type { RetentionActivityDeps } from './retention-deps';
import type { OutageRetryPolicy } from './outage-retries';
import { createRetentionActivities } from './retention-activities';
import { createIndexBatchActivities } from './index-batch-activities';
import type { EventBytesBudget } from '../platform/memory/event-bytes-budget';
import { createLogPartitionActivities } from './log-partition-activities';
import { createReindexTenantActivities } from './reindex-tenant-activities';
import { createRetentionSweepActivities } from './retention-sweep-activities';
import { createTaskStatusActivities } from './task-status-activities';
import { createIntegrityActivities } from './integrity-activities';
import type { LogSealer } from '../features/integrity/log-sealer';
import { createSealTasks } from '../features/integrity/seal-tasks';
import type { LogVerifier } from '../features/integrity/verify-log';
import { createIntegrityVerifyActivities } from './integrity-verify-activities';

export interface ActivityDeps extends RetentionActivityDeps {
  pool: Pool;
  indexer: LogIndexer;
  /** When index activities wait out an outage of OpenSearch or PostgreSQL, and when they give up. */
  indexRetries: OutageRetryPolicy;
  /** Event text the index runs may hold at once, shared with the sealer (none: unbounded). */
  eventBytes?: EventBytesBudget;
  /** Starts an archive → cleanup chain; the scheduled retention sweep calls it per tenant. */
  cleanupRequester: CleanupRequester;
  /** The event horizon and months ahead the daily partition maintenance keeps. */
  logPartitions: LogPartitionSettings;
  /** Per-day document counts and ids, which reconciliation compares with PostgreSQL. */
  documents: DocumentDayCounts;
  /** Appends committed events to each tenant's Merkle log and signs its checkpoints. */
  sealer: LogSealer;
  verifier: LogVerifier;
  exportJob: ExportJob;
  exportExpiry: ExportExpiry;
  /** Restores: loading archived parts as restored copies, and removing them at expiry. */
  restoreRun: RestoreRun;
  restoreAdmin: RestoreAdmin;
  copies: RestoredCopies;
}

/** Every activity the worker registers, built once per worker over explicit clients. */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createTaskStatusActivities(deps.pool),
    ...createIndexBatchActivities(deps),
    ...createRetentionActivities(deps),
    ...createReindexTenantActivities(deps),
    ...createIntegrityActivities({ sealer: deps.sealer, sealTasks: createSealTasks({ pool: deps.pool }) }),
    ...createIntegrityVerifyActivities({ pool: deps.pool, verifier: deps.verifier }),
    ...createExportActivities(deps),
    ...createRestoreActivities(deps),
    ...createRetentionSweepActivities({ pool: deps.pool, requester: deps.cleanupRequester, logger: deps.logger }),
    ...createLogPartitionActivities({ pool: deps.pool, settings: deps.logPartitions }),
    ...createReconcileActivities(deps),
    ...createReconcileSealActivity(deps),
    ...createReconcileSweepActivities({ pool: deps.pool, reconciles: createReconcileRequester({ outbox: deps.outbox }) }),
  };
}

export type Activities = ReturnType<typeof createActivities>;
