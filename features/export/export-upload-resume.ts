import type { Pool } from 'pg';
import { exportUploadsRepository, type ExportPartRecord } from '../../adapters/postgres/export-uploads-repository';
import { withTenantTx } from '../../adapters/postgres/tenant-transaction';
import { abortUnfinishedUploads, multipartUpload } from '../../adapters/s3/multipart-upload';
import type { ObjectTarget } from '../../adapters/s3/part-writer';

export type ExportUploads = ReturnType<typeof exportUploadStore>;

/** The recorded uploads of export jobs, each call in its own short tenant transaction. */
export function exportUploadStore(pool: Pool) {
  const inTenant = <T>(tenantId: string, work: (uploads: ReturnType<typeof exportUploadsRepository>) => Promise<T>) =>
    withTenantTx(pool, tenantId, (tx) => work(exportUploadsRepository(tx)));
  return {
    find: (tenantId: string, taskId: string) => inTenant(tenantId, (uploads) => uploads.find(tenantId, taskId)),
    start: (tenantId: string, taskId: string, key: string, uploadId: string) => inTenant(tenantId, (uploads) => uploads.start(tenantId, taskId, key, uploadId)),
    recordPart: (tenantId: string, taskId: string, part: ExportPartRecord) => inTenant(tenantId, (uploads) => uploads.recordPart(tenantId, taskId, part)),
    forget: (tenantId: string, taskId: string) => inTenant(tenantId, (uploads) => uploads.forget(tenantId, taskId)),
  };
}

export interface ExportUploadState {
  uploadId: string;
  /** Parts recorded and still stored, in order; a retried attempt continues after the last. */
  parts: ExportPartRecord[];
  /** The upload was completed before the attempt that completed it could finish. */
  completed: boolean;
}

/**
 * Where an export job's attempt starts: the upload an earlier attempt recorded, when S3 still holds
 * every part recorded for it (same ETags), or a new upload. Whatever else is unfinished under the
 * key (an upload created by an attempt that died before recording it, or one S3 lost parts of) is
 * aborted, so it neither lingers nor completes.
 */
export async function resumeOrStartUpload(store: ExportUploads, target: ObjectTarget, task: { tenantId: string; taskId: string }, contentDisposition: string): Promise<ExportUploadState> {
  const { tenantId, taskId } = task;
  const upload = multipartUpload(target);
  const recorded = await store.find(tenantId, taskId);
  if (recorded && recorded.objectKey === target.key) {
    const stored = await upload.listParts(recorded.uploadId);
    const final = recorded.parts.at(-1)?.final === true;
    if (!stored && final && (await upload.objectExists())) return { uploadId: recorded.uploadId, parts: recorded.parts, completed: true };
    const kept = stored && recorded.parts.every((part) => stored.some((s) => s.partNumber === part.partNumber && s.etag === part.etag));
    if (kept) {
      await abortUnfinishedUploads(target.s3, target.bucket, target.key, recorded.uploadId);
      return { uploadId: recorded.uploadId, parts: recorded.parts, completed: false };
    }
  }
  await abortUnfinishedUploads(target.s3, target.bucket, target.key);
  const uploadId = await upload.create('application/gzip', contentDisposition);
  await store.start(tenantId, taskId, target.key, uploadId);
  return { uploadId, parts: [], completed: false };
}
