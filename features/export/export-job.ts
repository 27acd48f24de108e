import type { S3Client } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import type { Pool } from 'pg';
import type { TextMatcher } from '../../adapters/opensearch/text-match';
import type { ExportPartRecord } from '../../adapters/postgres/export-uploads-repository';
import { withTenantTx } from '../../adapters/postgres/tenant-transaction';
import { multipartUpload } from '../../adapters/s3/multipart-upload';
import { readObjectDigest } from '../../adapters/s3/object-reader';
import type { LogFilter } from '../../domain/log-filter';
import { EXPORT_FORMATS, type ExportFormat } from './export-formats';
import { exportParts } from './export-parts';
import { exportRowsRepository } from './export-rows';
import { exportUploadStore, resumeOrStartUpload } from './export-upload-resume';
import { keepMatching } from './log-export';

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

export interface ExportJobOptions {
  /** Stops the export; what was uploaded is kept for the next attempt unless `abandoned` says otherwise. */
  signal?: AbortSignal;
  /** Whether a stop means the export is given up (cancelled), not interrupted (worker shutdown, lost attempt). */
  abandoned?: () => boolean;
  /** Rows written so far (those of kept parts included); also called while a resumed object is read back. */
  onRows?: (rows: number) => void;
}

const sum = (parts: readonly ExportPartRecord[], field: 'rows' | 'bytes') => parts.reduce((total, part) => total + part[field], 0);

/**
 * Runs one export job: the same rows and encoding as `GET /logs/export`, gzip-compressed into a
 * multipart upload under the task's key, each part recorded once S3 has stored it. A retried
 * attempt (the worker was killed, or S3 failed) continues the same upload after the last recorded
 * part, reading on from that part's last row in the export's (event_timestamp, id) order: parts
 * already uploaded are kept, and as parts are cut where the rows say (exportParts), the object's
 * bytes are those of an uninterrupted run. The object exists only once its upload completes.
 *
 * SHA-256: an attempt that wrote every part hashes them as they go. A resumed one cannot (a hash's
 * state cannot be saved, and S3 does not serve the parts of an unfinished upload), so it reads the
 * completed object back once: a cost only resumed exports pay, for a digest of the stored bytes.
 */
export function createExportJob(deps: ExportJobDeps) {
  const store = exportUploadStore(deps.pool);

  return {
    async run(tenantId: string, taskId: string, request: ExportJobRequest, options: ExportJobOptions = {}): Promise<ExportJobResult> {
      const key = exportObjectKey(tenantId, taskId, request.format);
      const target = { s3: deps.s3, bucket: deps.bucket, key };
      const upload = multipartUpload(target);
      const state = await resumeOrStartUpload(store, target, { tenantId, taskId }, `attachment; filename="${key.split('/').pop() as string}"`);
      const { uploadId, parts } = state;
      const hash = parts.length === 0 ? createHash('sha256') : undefined;
      try {
        if (!state.completed && parts.at(-1)?.final !== true) {
          await withTenantTx(deps.pool, tenantId, async (tx) => {
            const { q, ...sqlFilter } = request.filter;
            const keyed = exportRowsRepository(tx).stream(tenantId, sqlFilter, request.format, { after: parts.at(-1)?.last, withKey: true });
            const rows = q ? keepMatching(deps.text, tenantId, q)(keyed) : keyed;
            const before = sum(parts, 'rows');
            // One part uploads while the next is read and compressed; parts are recorded in order.
            let uploading: { record: Omit<ExportPartRecord, 'etag' | 'final'>; etag: Promise<string> } | undefined;
            const record = async (final: boolean) => {
              if (!uploading) return;
              const part = { ...uploading.record, etag: await uploading.etag, final };
              uploading = undefined;
              await store.recordPart(tenantId, taskId, part);
              parts.push(part);
            };
            for await (const part of exportParts(rows, { format: request.format, first: parts.length === 0, onRows: (n) => options.onRows?.(before + n) })) {
              await record(false);
              if (options.signal?.aborted) throw options.signal.reason ?? new Error('export cancelled');
              hash?.update(part.body);
              const partNumber = (parts.at(-1)?.partNumber ?? 0) + 1;
              uploading = {
                record: { partNumber, rows: part.rows, bytes: part.body.length, last: part.last ?? parts.at(-1)?.last ?? null },
                etag: upload.uploadPart(uploadId, partNumber, part.body, options.signal),
              };
              uploading.etag.catch(() => undefined);
            }
            await record(true);
          });
        }
        if (!state.completed) await upload.complete(uploadId, parts);
      } catch (error) {
        // A cancelled export is abandoned; any other stop or failure keeps the upload for the next
        // attempt (after a lost heartbeat that attempt may already be writing it).
        if (options.signal?.aborted && options.abandoned?.()) {
          await upload.abort(uploadId).catch(() => undefined);
          await store.forget(tenantId, taskId).catch(() => undefined);
        }
        throw error;
      }
      const rows = sum(parts, 'rows');
      const digest = hash
        ? { bytes: sum(parts, 'bytes'), sha256: hash.digest('hex') }
        : await readObjectDigest(deps.s3, deps.bucket, key, { signal: options.signal, onProgress: () => options.onRows?.(rows) });
      await store.forget(tenantId, taskId);
      const expiresAt = new Date(Date.now() + deps.retentionDays * 24 * 3600_000).toISOString();
      return { rows, bytes: digest.bytes, sha256: digest.sha256, object_key: key, expires_at: expiresAt };
    },
  };
}

export type ExportJob = ReturnType<typeof createExportJob>;
