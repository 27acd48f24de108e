import { Context } from '@temporalio/activity';
import { archiveLayout } from '../adapters/s3/archive-layout';
import { ArchiveIntegrityError } from '../adapters/s3/errors';
import { buildManifest } from '../adapters/s3/manifest';
import { loadVerifiedManifest, putManifest } from '../adapters/s3/manifest-store';
import { verifyObject } from '../adapters/s3/object-reader';
import { archivePartsRepository } from '../adapters/postgres/archive-parts-repository';
import { withTenantTx } from '../adapters/postgres/tenant-transaction';
import { parseArchivePayload } from '../features/retention/retention-tasks';
import type { PartsWritten } from './archive-parts-activity';
import type { RetentionActivityDeps } from './retention-deps';
import { loadTask } from './retention-task-access';
import type { TaskInput } from './task-status-activities';

/** A written manifest, by key and checksum: all that crosses the workflow boundary. */
export interface ManifestRef {
  manifestKey: string;
  manifestSha256: string;
  manifestBytes: number;
  parts: number;
  rows: number;
  bytes: number;
}

export function createArchiveManifestActivities(deps: RetentionActivityDeps) {
  const { pool, s3, bucket } = deps;

  return {
    /** Writes manifest.json from the recorded parts, which must be exactly the parts just written. */
    async writeArchiveManifest(input: TaskInput & { written: PartsWritten }): Promise<ManifestRef> {
      const { tenantId, taskId } = input;
      const payload = parseArchivePayload(taskId, (await loadTask(pool, tenantId, taskId)).payload);
      const parts = await withTenantTx(pool, tenantId, (tx) => archivePartsRepository(tx).list(tenantId, taskId));
      const manifest = buildManifest({ tenantId, taskId, beforeDate: payload.before_date, snapshotAt: payload.snapshot_at, createdAt: new Date(), parts });
      if (manifest.parts.length !== input.written.parts || manifest.total_rows !== input.written.rows) {
        throw new ArchiveIntegrityError(
          `archive task ${taskId} records ${manifest.parts.length} parts with ${manifest.total_rows} rows, but ${input.written.parts} parts with ${input.written.rows} rows were written`,
        );
      }
      const { manifestKey } = archiveLayout(tenantId, taskId, new Date(payload.before_date));
      const digest = await putManifest(s3, bucket, manifestKey, manifest);
      return { manifestKey, manifestSha256: digest.sha256, manifestBytes: digest.bytes, parts: manifest.parts.length, rows: manifest.total_rows, bytes: manifest.total_bytes };
    },

    /**
     * Reads the manifest and every part it lists back from S3 and checks each size and SHA-256:
     * the archive is verified as stored, immediately before anything may be deleted on its strength.
     */
    async verifyArchive(input: TaskInput & { manifest: ManifestRef }): Promise<{ parts: number; rows: number }> {
      const { tenantId, taskId, manifest: ref } = input;
      const context = Context.current();
      const { manifest } = await loadVerifiedManifest(s3, bucket, ref.manifestKey, { sha256: ref.manifestSha256, tenantId, taskId });
      if (manifest.total_rows !== ref.rows || manifest.parts.length !== ref.parts) {
        throw new ArchiveIntegrityError(`manifest ${ref.manifestKey} lists ${manifest.parts.length} parts with ${manifest.total_rows} rows; ${ref.parts} parts with ${ref.rows} rows were written`);
      }
      for (const part of manifest.parts) {
        await verifyObject(s3, bucket, part.key, part, { signal: context.cancellationSignal, onProgress: (bytes) => context.heartbeat({ part: part.part_number, bytes }) });
        context.heartbeat({ verifiedParts: part.part_number });
      }
      return { parts: manifest.parts.length, rows: manifest.total_rows };
    },
  };
}
