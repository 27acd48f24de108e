import { performance } from 'node:perf_hooks';
import { createGzip } from 'node:zlib';
import type { S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { Pool } from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { createOpenSearchClient } from '../../../adapters/opensearch/opensearch-client';
import { createPgPool } from '../../../adapters/postgres/postgres-client';
import { createS3Client } from '../../../adapters/s3/s3-client';
import { loadConfig } from '../../../platform/config/config';
import { SELECT_COLUMNS } from '../../../adapters/postgres/logs-repository';
import { withTenantTx } from '../../../adapters/postgres/tenant-transaction';

export interface ArchiveAnchorResult {
  copyGzipUploadMs: number;
  deleteMs: number;
  searchDeleteMs: number;
  deletedRows: number;
  deletedDocuments: number;
}

/**
 * The raw way to put a tenant's rows in the bucket: COPY (SELECT … ORDER BY event_timestamp, id) TO
 * STDOUT as the app role in the tenant's transaction → gzip → one S3 upload (the SDK's multipart
 * uploader). `where` narrows the rows (trusted SQL). Returns the rows copied (COPY's text format
 * escapes newlines inside values, so a line is a row).
 */
export async function copyGzipUpload(target: { pool: Pool; s3: S3Client; bucket: string; key: string }, tenantId: string, where = 'true'): Promise<{ rows: number }> {
  if (!/^[0-9a-f-]{36}$/.test(tenantId)) throw new Error('tenant id must be a uuid');
  let rows = 0;
  await withTenantTx(target.pool, tenantId, async (tx) => {
    const source = tx.client.query(copyTo(`COPY (SELECT ${SELECT_COLUMNS} FROM logs WHERE tenant_id = '${tenantId}' AND ${where} ORDER BY event_timestamp, id) TO STDOUT`));
    source.on('data', (chunk: Buffer) => {
      for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) rows += 1;
    });
    const upload = new Upload({ client: target.s3, params: { Bucket: target.bucket, Key: target.key, Body: source.pipe(createGzip()) } });
    await upload.done();
  });
  return { rows };
}

/**
 * The raw components doing what archive + cleanup does, one after another, each timed:
 * COPY TO → gzip → one S3 upload; one DELETE; one `_delete_by_query`. No verification, no manifest.
 */
export async function archiveAnchor(params: { tenantId: string; cutoff: string }): Promise<ArchiveAnchorResult> {
  if (!/^[0-9a-f-]{36}$/.test(params.tenantId)) throw new Error('tenant id must be a uuid');
  const config = loadConfig();
  const pool = createPgPool(config.postgres.url, 1, 'bench-archive-anchor');
  const s3 = createS3Client(config.s3);
  const opensearch = createOpenSearchClient(config.opensearch.url);
  const cutoff = new Date(params.cutoff).toISOString();

  let started = performance.now();
  await copyGzipUpload({ pool, s3, bucket: config.s3.bucket, key: `bench-anchor/${params.tenantId}.tsv.gz` }, params.tenantId, `event_timestamp < '${cutoff}'`);
  const copyGzipUploadMs = performance.now() - started;

  started = performance.now();
  const deleted = await withTenantTx(pool, params.tenantId, (tx) =>
    tx.client.query('DELETE FROM logs WHERE tenant_id = $1 AND event_timestamp < $2', [params.tenantId, cutoff]),
  );
  const deleteMs = performance.now() - started;

  started = performance.now();
  const response = await opensearch.deleteByQuery({
    index: config.opensearch.index,
    routing: params.tenantId,
    conflicts: 'proceed',
    body: { query: { bool: { filter: [{ term: { tenant_id: params.tenantId } }, { range: { event_timestamp: { lt: cutoff } } }] } } } as never,
  });
  const searchDeleteMs = performance.now() - started;

  await Promise.allSettled([pool.end(), opensearch.close()]);
  s3.destroy();
  return { copyGzipUploadMs, deleteMs, searchDeleteMs, deletedRows: deleted.rowCount ?? 0, deletedDocuments: Number((response.body as { deleted?: number }).deleted ?? 0) };
}
