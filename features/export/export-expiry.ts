import type { S3Client } from '@aws-sdk/client-s3';
import { multipartUpload, unfinishedUploadsUnder } from '../../adapters/s3/multipart-upload';
import { childPrefixes, deleteKeys, objectsUnder } from '../../adapters/s3/object-listing';

const DAY_MS = 24 * 3600_000;
const DELETE_BATCH = 1000;
/** An export job's object key: `tenants/<tenant>/exports/<task>.<format>.gz` (exportObjectKey). */
const EXPORT_KEY = /^tenants\/[^/]+\/exports\//;

/**
 * Deletes export jobs' objects older than the retention days (the archive bucket's S3 server,
 * versitygw, implements no lifecycle rules, so a scheduled sweep does what a rule would). Downloads
 * are refused from `expires_at` on already; this reclaims the space. Only `tenants/<id>/exports/`
 * is listed: archives are never touched. The unfinished upload of an export that failed is kept for
 * a retry of its task to continue, for as long as its object would have been kept, then aborted (it
 * is stored, and billed, like an object).
 */
export function createExportExpiry(deps: { s3: S3Client; bucket: string; retentionDays: number }) {
  return {
    async deleteExpired(asOf: Date): Promise<{ deleted: number; aborted: number }> {
      const before = asOf.getTime() - deps.retentionDays * DAY_MS;
      let deleted = 0;
      for await (const tenantPrefix of childPrefixes(deps.s3, deps.bucket, 'tenants/')) {
        let batch: string[] = [];
        for await (const object of objectsUnder(deps.s3, deps.bucket, `${tenantPrefix}exports/`)) {
          if (object.lastModified.getTime() >= before) continue;
          batch.push(object.key);
          if (batch.length >= DELETE_BATCH) {
            await deleteKeys(deps.s3, deps.bucket, batch);
            deleted += batch.length;
            batch = [];
          }
        }
        await deleteKeys(deps.s3, deps.bucket, batch);
        deleted += batch.length;
      }
      let aborted = 0;
      for await (const upload of unfinishedUploadsUnder(deps.s3, deps.bucket, 'tenants/')) {
        if (!EXPORT_KEY.test(upload.key) || upload.initiated.getTime() >= before) continue;
        await multipartUpload({ s3: deps.s3, bucket: deps.bucket, key: upload.key }).abort(upload.uploadId);
        aborted += 1;
      }
      return { deleted, aborted };
    },
  };
}

export type ExportExpiry = ReturnType<typeof createExportExpiry>;
