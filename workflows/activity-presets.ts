import type { ActivityOptions } from '@temporalio/workflow';

const PERMANENT = ['TaskNotFoundError', 'DocumentRejectedError', 'InvalidTaskPayloadError'];

/** Short database writes: task status mirrors. */
export const statusUpdate: ActivityOptions = {
  startToCloseTimeout: '15 seconds',
  retry: { initialInterval: '500 ms', backoffCoefficient: 2, maximumInterval: '15 seconds', maximumAttempts: 20, nonRetryableErrorTypes: PERMANENT },
};

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
