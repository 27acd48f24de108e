import type { S3Client } from '@aws-sdk/client-s3';
import type { Pool } from 'pg';
import type { TextMatcher } from '../../adapters/opensearch/text-match';
import { withTenantTx } from '../../adapters/postgres/tenant-transaction';
import { abortUnfinishedUploads, startGzipUpload } from '../../adapters/s3/gzip-upload';
import type { LogFilter } from '../../domain/log-filter';
import { EXPORT_FORMATS, type ExportFormat } from './export-formats';
import { pipeExport } from './log-export';

/** What an `export` task's payload holds: the validated, normalised request. */
export interface ExportJobRequest {
  format: ExportFormat;
  filter: LogFilter;
}

/** The task's result (api.md, "Export jobs"). */
export interface ExportJobResult {
  rows: number;
  /** Size of the gzip object. */
  bytes: number;
  /** SHA-256 of the gzip object, hex. */
  sha256: string;
  object_key: string;
  expires_at: string;
}

export class InvalidExportRequestError extends Error {
  override readonly name = 'InvalidExportRequestError';
}

/** Where an export job's object lives: one key per task, so a rerun replaces rather than adds. */
export function exportObjectKey(tenantId: string, taskId: string, format: ExportFormat): string {
  return `tenants/${tenantId}/exports/${taskId}.${format}.gz`;
}

/** Reads a task's payload back, refusing one this code did not write. */
export function exportRequestOf(payload: Record<string, unknown>): ExportJobRequest {
  const { format, filter } = payload;
  if (!EXPORT_FORMATS.includes(format as ExportFormat)) throw new InvalidExportRequestError(`unknown export format ${String(format)}`);
  if (typeof filter !== 'object' || filter === null || Array.isArray(filter)) throw new InvalidExportRequestError('the export filter is not an object');
  return { format: format as ExportFormat, filter: filter as LogFilter };
}

export interface ExportJobDeps {
  pool: Pool;
  text: TextMatcher;
  s3: S3Client;
  bucket: string;
  retentionDays: number;
}

/**
 * Runs one export job: the same rows and encoding as `GET /logs/export`, gzip-compressed into a
 * multipart upload under the task's key. A rerun (a retried or resumed attempt) first aborts what
 * an earlier attempt left unfinished under that key, then writes the object again from the start:
 * the object is complete only when its upload completes, so it is never partial or doubled.
 */
export function createExportJob(deps: ExportJobDeps) {
  return {
    async run(tenantId: string, taskId: string, request: ExportJobRequest, options: { signal?: AbortSignal; onRows?: (rows: number) => void } = {}): Promise<ExportJobResult> {
      const key = exportObjectKey(tenantId, taskId, request.format);
      await abortUnfinishedUploads(deps.s3, deps.bucket, key);
      const upload = startGzipUpload({ s3: deps.s3, bucket: deps.bucket, key }, `attachment; filename="${key.split('/').pop() as string}"`);
      let rows = 0;
      const stop = () => upload.input.destroy(options.signal?.reason instanceof Error ? options.signal.reason : new Error('export cancelled'));
      options.signal?.addEventListener('abort', stop, { once: true });
      try {
        const onRow = (count: number) => {
          rows = count;
          options.onRows?.(count);
        };
        await withTenantTx(deps.pool, tenantId, (tx) => pipeExport(tx, deps.text, { tenantId, filter: request.filter, format: request.format }, [upload.input], onRow));
        const digest = await upload.done();
        const expiresAt = new Date(Date.now() + deps.retentionDays * 24 * 3600_000).toISOString();
        return { rows, bytes: digest.bytes, sha256: digest.sha256, object_key: key, expires_at: expiresAt };
      } catch (error) {
        await upload.abort();
        throw error;
      } finally {
        options.signal?.removeEventListener('abort', stop);
      }
    },
  };
}

export type ExportJob = ReturnType<typeof createExportJob>;
