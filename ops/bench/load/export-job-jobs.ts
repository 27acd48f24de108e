import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { performance } from 'node:perf_hooks';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { createPgPool } from '../../../adapters/postgres/postgres-client';
import { createS3Client } from '../../../adapters/s3/s3-client';
import { loadConfig } from '../../../platform/config/config';
import { copyGzipUpload } from './archive-jobs';

export interface ExportAnchorResult {
  /** Rows COPY wrote. */
  rows: number;
  /** Size of the uploaded object, read back from S3. */
  objectBytes: number;
  /** Lines in the object, decompressed from S3. */
  objectRows: number;
  /** COPY TO + gzip + upload, the part that is timed. */
  elapsedMs: number;
}

/** Lines in an object once gunzipped, streamed (nothing is held). */
async function linesIn(body: Readable): Promise<number> {
  let lines = 0;
  for await (const chunk of body.pipe(createGunzip()) as AsyncIterable<Buffer>) {
    for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) lines += 1;
  }
  return lines;
}

/** The export job's anchor: a tenant's rows by COPY TO → gzip → S3, then checked from the bucket (size, rows) and deleted. */
export async function exportJobAnchor(params: { tenantId: string }): Promise<ExportAnchorResult> {
  const config = loadConfig();
  const pool = createPgPool(config.postgres.url, 1, 'bench-export-anchor');
  const s3 = createS3Client(config.s3);
  const bucket = config.s3.bucket;
  const key = `bench-anchor/${params.tenantId}-export.tsv.gz`;
  try {
    const started = performance.now();
    const { rows } = await copyGzipUpload({ pool, s3, bucket, key }, params.tenantId);
    const elapsedMs = performance.now() - started;
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const objectRows = await linesIn(object.Body as Readable);
    await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    return { rows, objectBytes: head.ContentLength ?? 0, objectRows, elapsedMs };
  } finally {
    await pool.end();
    s3.destroy();
  }
}
