import { Context } from '@temporalio/activity';
import { archivedLineFields, type ArchivedLineFields } from '../domain/archive-row';
import { ArchiveIntegrityError } from '../adapters/s3/errors';
import type { Manifest } from '../adapters/s3/manifest';
import { loadVerifiedManifest } from '../adapters/s3/manifest-store';
import { verifyObject } from '../adapters/s3/object-reader';
import { readPartLines } from '../adapters/s3/part-reader';
import type { ArchivedEventRef } from '../adapters/postgres/log-retention-repository';
import { parseArchiveResult, parseCleanupPayload } from '../features/retention/retention-tasks';
import { TaskStateError } from '../domain/task-errors';
import { createArchivedBatchDeleter, type DeletionTally } from './archived-batch-deleter';
import type { RetentionActivityDeps } from './retention-deps';
import { loadTask, recordProgress } from './retention-task-access';
import type { TaskInput } from './task-status-activities';

/** The verified archive a cleanup deletes, by reference. */
export interface CleanupPlan {
  archiveTaskId: string;
  manifestKey: string;
  manifestSha256: string;
  rows: number;
}

export interface CleanupCounts {
  /** Rows the manifest covers; each was processed once in the attempt that finished. */
  archivedRows: number;
  deletedRows: number;
  deletedEventIds: number;
  deletedDocuments: number;
  /** Ids with no document left in OpenSearch (never indexed, or removed by an earlier attempt). */
  absentDocuments: number;
}

/** Cumulative, and heartbeated only after the batch it counts is committed: a resumed attempt continues exactly there. */
interface CleanupHeartbeat extends DeletionTally {
  partsDone: number;
}

const DELETE_BATCH_ROWS = 2000;

export function createCleanupActivities(deps: RetentionActivityDeps) {
  const { pool, s3, bucket, logDeleter } = deps;

  /** The archive task's recorded manifest checksum is what makes its manifest the verified one. */
  async function verifiedManifest(tenantId: string, taskId: string): Promise<{ plan: CleanupPlan; manifest: Manifest }> {
    const payload = parseCleanupPayload(taskId, (await loadTask(pool, tenantId, taskId)).payload);
    const archive = await loadTask(pool, tenantId, payload.archive_task_id);
    if (archive.task_type !== 'archive' || archive.status !== 'succeeded') {
      throw new TaskStateError(`archive task ${archive.task_id} is a ${archive.status} ${archive.task_type} task, not a succeeded archive`);
    }
    const result = parseArchiveResult(archive.task_id, archive.result);
    if (result.manifest_key !== payload.manifest_key) throw new ArchiveIntegrityError(`cleanup task ${taskId} names manifest ${payload.manifest_key}, but its archive verified ${result.manifest_key}`);
    const { manifest } = await loadVerifiedManifest(s3, bucket, result.manifest_key, { sha256: result.manifest_sha256, tenantId, taskId: archive.task_id });
    if (manifest.total_rows !== result.archived_rows) throw new ArchiveIntegrityError(`manifest ${result.manifest_key} lists ${manifest.total_rows} rows; the archive recorded ${result.archived_rows}`);
    return { plan: { archiveTaskId: archive.task_id, manifestKey: result.manifest_key, manifestSha256: result.manifest_sha256, rows: manifest.total_rows }, manifest };
  }

  /** Every archived row must be this tenant's and older than the manifest's cutoff, or nothing of the part is deleted. */
  function eventRefsOf(manifest: Manifest) {
    const cutoff = Date.parse(manifest.before_date);
    return (key: string, row: ArchivedLineFields): ArchivedEventRef => {
      if (row.tenant_id !== manifest.tenant_id || !(Date.parse(row.event_timestamp) < cutoff) || typeof row.id !== 'string') {
        throw new ArchiveIntegrityError(`${key} holds event ${row.id} of tenant ${row.tenant_id} at ${row.event_timestamp}, outside its archive`);
      }
      return { event_timestamp: row.event_timestamp, id: row.id, event_id: row.event_id };
    };
  }

  return {
    /** Finds the cleanup's archive and verifies its manifest; sets the task's progress total. */
    async prepareCleanup(input: TaskInput): Promise<CleanupPlan> {
      const { plan } = await verifiedManifest(input.tenantId, input.taskId);
      await recordProgress(pool, input.tenantId, input.taskId, 0, plan.rows);
      return plan;
    },

    /**
     * Deletes exactly the archived events, part by part: each part is re-verified (size and
     * SHA-256) before any of its rows is deleted, then streamed back and deleted in batches from
     * PostgreSQL and then from OpenSearch. Resumes at the part in progress; repeating deletes is harmless.
     */
    async deleteArchivedEvents(input: TaskInput & { plan: CleanupPlan }): Promise<CleanupCounts> {
      const { tenantId, taskId } = input;
      const context = Context.current();
      await loadTask(pool, tenantId, taskId, { countAttempt: true });
      const { plan, manifest } = await verifiedManifest(tenantId, taskId);
      if (plan.manifestSha256 !== input.plan.manifestSha256) throw new TaskStateError(`cleanup task ${taskId} was prepared for another manifest`);
      const saved = context.info.heartbeatDetails as CleanupHeartbeat | undefined;
      const state: CleanupHeartbeat = saved ?? { partsDone: 0, rowsDoneInPart: 0, processed: 0, deletedRows: 0, deletedEventIds: 0, deletedDocuments: 0, absentDocuments: 0 };
      const beat = () => context.heartbeat(state);

      const batches = createArchivedBatchDeleter({ pool, logDeleter, tenantId, taskId, tally: state, onBatchDone: beat });
      const parts = manifest.parts.slice(state.partsDone);
      const toEventRef = eventRefsOf(manifest);
      const verify = (part: Manifest['parts'][number] | undefined) => {
        const verifying = part ? verifyObject(s3, bucket, part.key, part, { signal: context.cancellationSignal, onProgress: beat }) : Promise.resolve();
        // Awaited before its part is touched (or in finally); handled now, so a failure while the part before is deleted is not unhandled.
        verifying.catch(() => undefined);
        return verifying;
      };
      // The next part is read back and checked while this one's events are deleted: no part loses a row before its own check passed.
      let verifying = verify(parts[0]);
      try {
        for (const [index, part] of parts.entries()) {
          await verifying;
          verifying = verify(parts[index + 1]);
          const skip = state.rowsDoneInPart;
          let seen = 0;
          let batch: ArchivedEventRef[] = [];
          for await (const row of readPartLines(s3, bucket, part.key, archivedLineFields, context.cancellationSignal)) {
            const event = toEventRef(part.key, row);
            seen += 1;
            if (seen <= skip) continue;
            batch.push(event);
            if (batch.length === DELETE_BATCH_ROWS) {
              await batches.delete(batch);
              batch = [];
            }
          }
          await batches.delete(batch);
          await batches.settled();
          if (seen !== part.rows) throw new ArchiveIntegrityError(`${part.key} holds ${seen} rows; the manifest lists ${part.rows}`);
          state.partsDone += 1;
          state.rowsDoneInPart = 0;
          beat();
        }
      } finally {
        // A failed attempt leaves no search delete or read-back running behind it.
        await Promise.allSettled([batches.settled(), verifying]);
      }
      const { partsDone: _parts, rowsDoneInPart: _inPart, processed: _processed, ...counts } = state;
      return { archivedRows: manifest.total_rows, ...counts };
    },
  };
}
