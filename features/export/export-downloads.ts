import { GetObjectCommand, NoSuchKey, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { Readable } from 'node:stream';
import type { Pool } from 'pg';
import { tasksRepository } from '../../adapters/postgres/tasks-repository';
import { withTenantTx } from '../../adapters/postgres/tenant-transaction';
import { ObjectStoreError } from '../../adapters/s3/errors';
import type { ExportJobResult } from './export-job';

/** No export job with this id in the caller's tenant, or its object has expired (or was removed). */
export class ExportNotFoundError extends Error {
  override readonly name = 'ExportNotFoundError';
}

/** The export job has not succeeded (yet): there is nothing to download. */
export class ExportNotReadyError extends Error {
  override readonly name = 'ExportNotReadyError';
}

/** Longest life of a presigned download URL; never beyond the object's own expiry. */
export const PRESIGNED_URL_SECONDS = 15 * 60;

export interface ExportObject {
  key: string;
  fileName: string;
  result: ExportJobResult;
}

export function createExportDownloads(deps: { pool: Pool; s3: S3Client; bucket: string; now?: () => Date }) {
  const now = deps.now ?? (() => new Date());

  /** The succeeded, unexpired export job `taskId` of the tenant, or the reason there is none. */
  async function locate(tenantId: string, taskId: string): Promise<ExportObject> {
    const task = await withTenantTx(deps.pool, tenantId, (tx) => tasksRepository(tx).findById(tenantId, taskId));
    if (!task || task.task_type !== 'export') throw new ExportNotFoundError('No such export job.');
    if (task.status !== 'succeeded' || !task.result) throw new ExportNotReadyError(`The export job is ${task.status}; download it once it has succeeded.`);
    const result = task.result as unknown as ExportJobResult;
    if (Date.parse(result.expires_at) <= now().getTime()) throw new ExportNotFoundError(`The export expired at ${result.expires_at}.`);
    return { key: result.object_key, fileName: result.object_key.split('/').pop() as string, result };
  }

  return {
    locate,

    /** Opens the object for streaming; one that is gone (swept after expiry) is not found. */
    async open(found: ExportObject, signal?: AbortSignal): Promise<Readable> {
      try {
        const response = await deps.s3.send(new GetObjectCommand({ Bucket: deps.bucket, Key: found.key }), { abortSignal: signal });
        return response.Body as Readable;
      } catch (error) {
        if (error instanceof NoSuchKey) throw new ExportNotFoundError('The export object no longer exists.');
        throw new ObjectStoreError('read', found.key, error);
      }
    },

    /** A URL that downloads the object without a token, valid for PRESIGNED_URL_SECONDS or until the export expires. */
    async presign(found: ExportObject): Promise<{ url: string; expiresAt: string }> {
      const untilExpiry = Math.floor((Date.parse(found.result.expires_at) - now().getTime()) / 1000);
      const seconds = Math.max(1, Math.min(PRESIGNED_URL_SECONDS, untilExpiry));
      const command = new GetObjectCommand({ Bucket: deps.bucket, Key: found.key, ResponseContentDisposition: `attachment; filename="${found.fileName}"` });
      const url = await getSignedUrl(deps.s3, command, { expiresIn: seconds });
      return { url, expiresAt: new Date(now().getTime() + seconds * 1000).toISOString() };
    },
  };
}

export type ExportDownloads = ReturnType<typeof createExportDownloads>;
