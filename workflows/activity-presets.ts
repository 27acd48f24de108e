import type { ActivityOptions, LocalActivityOptions } from '@temporalio/workflow';

const PERMANENT = ['TaskNotFoundError', 'DocumentRejectedError', 'InvalidTaskPayloadError'];

/** Short database writes: task status mirrors. */
export const statusUpdate: ActivityOptions = {
  startToCloseTimeout: '15 seconds',
  retry: { initialInterval: '500 ms', backoffCoefficient: 2, maximumInterval: '15 seconds', maximumAttempts: 20, nonRetryableErrorTypes: PERMANENT },
};

/**
 * statusUpdate run as local activities, in the worker that runs the workflow: for the runs started
 * many times a second (index batches), where a regular activity's round trips through Temporal's
 * task queues cost more than the database write itself.
 */
export const localStatusUpdate: LocalActivityOptions = { startToCloseTimeout: statusUpdate.startToCloseTimeout, retry: statusUpdate.retry };

/**
 * Far backstop for the index activities, which decide themselves when to stop (activities/outage-retries.ts):
 * an outage of OpenSearch or PostgreSQL is waited out for INDEX_OUTAGE_BUDGET_SECONDS (3 days by
 * default), any other failure gets 8 attempts. Enough attempts at the capped backoff for a week.
 */
const OUTLAST_OUTAGES = 20_000;

/**
 * Indexing a batch of reindex tasks: one heartbeat per bulk request, so a dead worker is noticed
 * within the heartbeat timeout while a large batch (a backlog drained at once) may run long. Backoff
 * is capped at 30 s, so indexing resumes within half a minute of OpenSearch's return.
 */
export const batchIndexing: ActivityOptions = {
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: OUTLAST_OUTAGES, nonRetryableErrorTypes: PERMANENT },
};

/**
 * Rebuilding a tenant's documents: one long activity that heartbeats its keyset position. A worker
 * that dies is noticed within the heartbeat timeout and the next attempt resumes from that position.
 */
export const reindexing: ActivityOptions = {
  startToCloseTimeout: '12 hours',
  heartbeatTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: OUTLAST_OUTAGES, nonRetryableErrorTypes: PERMANENT },
};

/** A damaged or mismatched archive, or a task in the wrong state: no retry can repair these. */
const ARCHIVE_PERMANENT = [...PERMANENT, 'ArchiveIntegrityError', 'TaskStateError'];

/**
 * Streaming an archive to S3, or deleting what it covers: long activities that heartbeat. A worker
 * that dies is noticed within the heartbeat timeout and the next attempt resumes after the last
 * recorded part; an unreachable S3 fails the task after a few minutes of attempts.
 */
export const archiveStreaming: ActivityOptions = {
  startToCloseTimeout: '6 hours',
  heartbeatTimeout: '20 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 5, nonRetryableErrorTypes: ARCHIVE_PERMANENT },
};

/** Reading an archive back in full to verify it; heartbeats per chunk read. */
export const archiveVerification: ActivityOptions = {
  startToCloseTimeout: '2 hours',
  heartbeatTimeout: '20 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 5, nonRetryableErrorTypes: ARCHIVE_PERMANENT },
};

/** Short steps of the chain: writing the manifest, loading it, one commit of task rows. */
export const archiveStep: ActivityOptions = {
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 5, nonRetryableErrorTypes: ARCHIVE_PERMANENT },
};

/** The daily retention sweep: short database reads and task writes per batch of tenants. */
export const retentionSweep: ActivityOptions = {
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 10, nonRetryableErrorTypes: PERMANENT },
};

/**
 * Creating partitions of `logs` ahead of time: a few DDL statements, each waiting at most its
 * lock_timeout behind other DDL. Months of slack (LOG_PARTITION_MONTHS_AHEAD) make a failed day harmless.
 */
export const partitionMaintenance: ActivityOptions = {
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '2 minutes', maximumAttempts: 10, nonRetryableErrorTypes: PERMANENT },
};

/**
 * Reconciling a tenant: one long activity comparing day by day, heartbeating the last day done, so
 * a new attempt resumes there (as a reindex does with its keyset position).
 */
export const reconciling: ActivityOptions = reindexing;

/** The daily reconcile sweep: one page of tenants per activity, a task row written per tenant. */
export const reconcileSweep: ActivityOptions = retentionSweep;

/**
 * Sealing a tenant's waiting events: steps of one transaction each, heartbeated, so a dead worker is
 * noticed soon and the next attempt continues from the log as committed. Retried for a long while:
 * an unsealed event waits, it is never lost.
 */
export const sealing: ActivityOptions = {
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '20 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 50, nonRetryableErrorTypes: PERMANENT },
};

/** Verifying a tenant's log: one long activity that heartbeats per page of leaves. */
export const verifying: ActivityOptions = {
  startToCloseTimeout: '6 hours',
  heartbeatTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 5, nonRetryableErrorTypes: PERMANENT },
};

/** Signing a checkpoint: short; a tree missing stored hashes is damaged storage, which no retry repairs. */
export const checkpointing: ActivityOptions = {
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '500 ms', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 20, nonRetryableErrorTypes: [...PERMANENT, 'MissingStoredHashError'] },
};

/**
 * An export job: one long activity that heartbeats its row count. A worker that dies is noticed
 * within the heartbeat timeout; the next attempt continues the same multipart upload after the
 * last part it recorded.
 */
export const exportStreaming: ActivityOptions = {
  startToCloseTimeout: '12 hours',
  heartbeatTimeout: '20 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 5, nonRetryableErrorTypes: PERMANENT },
};

/**
 * Loading a restore's parts: one long activity that heartbeats per `_bulk` request. A worker that
 * dies is noticed within the heartbeat timeout; the next attempt skips the parts recorded as loaded
 * and loads the interrupted one again (same ids). A missing or corrupt part is permanent.
 */
export const restoreLoading: ActivityOptions = {
  startToCloseTimeout: '12 hours',
  heartbeatTimeout: '20 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 10, nonRetryableErrorTypes: [...ARCHIVE_PERMANENT, 'RestoredCopyRejectedError'] },
};

/** The restore expiry run: delete-by-query per expired restore, heartbeated between restores. */
export const restoreExpiry: ActivityOptions = {
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '2 minutes',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 10, nonRetryableErrorTypes: PERMANENT },
};
