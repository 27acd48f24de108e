import { performance } from 'node:perf_hooks';
import { Transform } from 'node:stream';
import { createGzip } from 'node:zlib';
import { HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { Client } from '@opensearch-project/opensearch';
import type { Pool } from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { createPgPool } from '../../../adapters/postgres/postgres-client';
import { createS3Client } from '../../../adapters/s3/s3-client';
import { loadConfig } from '../../../platform/config/config';
import { SELECT_COLUMNS } from '../../../adapters/postgres/logs-repository';
import { withTenantTx } from '../../../adapters/postgres/tenant-transaction';

export interface ArchiveAnchorResult {
  copyGzipUploadMs: number;
  deleteMs: number;
  searchDeleteMs: number;
  /** Lines that went through the gzip stream: the rows COPY TO actually wrote. */
  copiedRows: number;
  /** The uploaded object's size as S3 reports it, and the gzip bytes sent: equal when the upload landed. */
  uploadedBytes: number;
  gzipBytes: number;
  deletedRows: number;
  /** What OpenSearch's `_delete_by_query` task reports it deleted, and any version conflicts or failures. */
  deletedDocuments: number;
  searchDeleteProblems: string[];
}

/** Counts the bytes and newlines flowing through. */
function counter() {
  const counted = { bytes: 0, lines: 0 };
  const stream = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      counted.bytes += chunk.length;
      for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) counted.lines += 1;
      done(null, chunk);
    },
  });
  return { stream, counted };
}

interface DeleteByQueryStatus {
  completed: boolean;
  response?: { deleted?: number; version_conflicts?: number; failures?: unknown[] };
  error?: { type?: string; reason?: string };
}

/**
 * `_delete_by_query` run as a task and polled until it completes. Waiting on the request itself fails
 * past ~80 batches: OpenSearch's `task_resource_usage` response header grows with every scroll batch
 * and overflows Node's 16 KB header limit, and a client that retries then re-sends the delete, whose
 * second run finds only conflicts and reports 0 deleted (issue 13's "0 documents" in the full run).
 */
async function deleteByQueryTask(client: Client, index: string, tenantId: string, cutoff: string) {
  const started = await client.deleteByQuery({
    index,
    routing: tenantId,
    wait_for_completion: false,
    body: { query: { bool: { filter: [{ term: { tenant_id: tenantId } }, { range: { event_timestamp: { lt: cutoff } } }] } } } as never,
  });
  const taskId = (started.body as { task?: string }).task;
  if (!taskId) throw new Error(`_delete_by_query did not start a task: ${JSON.stringify(started.body)}`);
  for (;;) {
    const status = (await client.tasks.get({ task_id: taskId })).body as DeleteByQueryStatus;
    if (status.completed) return status;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * The raw way to put a tenant's rows in the bucket: COPY (SELECT … ORDER BY event_timestamp, id) TO
 * STDOUT as the app role in the tenant's transaction → gzip → one S3 upload (the SDK's multipart
 * uploader). `where` narrows the rows (trusted SQL). Returns the rows copied (COPY's text format
 * escapes newlines inside values, so a line is a row).
 */
export async function copyGzipUpload(
  target: { pool: Pool; s3: S3Client; bucket: string; key: string },
  tenantId: string,
  where = 'true',
): Promise<{ rows: number; gzipBytes: number }> {
  if (!/^[0-9a-f-]{36}$/.test(tenantId)) throw new Error('tenant id must be a uuid');
  const rows = counter();
  const gzipped = counter();
  await withTenantTx(target.pool, tenantId, async (tx) => {
    const copy = tx.client.query(copyTo(`COPY (SELECT ${SELECT_COLUMNS} FROM logs WHERE tenant_id = '${tenantId}' AND ${where} ORDER BY event_timestamp, id) TO STDOUT`));
    const body = copy.pipe(rows.stream).pipe(createGzip()).pipe(gzipped.stream);
    await new Upload({ client: target.s3, params: { Bucket: target.bucket, Key: target.key, Body: body } }).done();
  });
  return { rows: rows.counted.lines, gzipBytes: gzipped.counted.bytes };
}

/**
 * The raw components doing what archive + cleanup does, one after another, each timed:
 * COPY TO → gzip → one S3 upload; one DELETE; one `_delete_by_query`. No verification, no manifest.
 * Returns what each step observably did, for the scenario to check against the rows it seeded.
 */
export async function archiveAnchor(params: { tenantId: string; cutoff: string }): Promise<ArchiveAnchorResult> {
  if (!/^[0-9a-f-]{36}$/.test(params.tenantId)) throw new Error('tenant id must be a uuid');
  const config = loadConfig();
  const pool = createPgPool(config.postgres.url, 1, 'bench-archive-anchor');
  const s3 = createS3Client(config.s3);
  // No retries: a retried delete would run twice and hide the first run's work.
  const opensearch = new Client({ node: config.opensearch.url, requestTimeout: 30_000, maxRetries: 0 });
  const cutoff = new Date(params.cutoff).toISOString();
  const key = `bench-anchor/${params.tenantId}.tsv.gz`;

  let started = performance.now();
  const copied = await copyGzipUpload({ pool, s3, bucket: config.s3.bucket, key }, params.tenantId, `event_timestamp < '${cutoff}'`);
  const copyGzipUploadMs = performance.now() - started;
  const head = await s3.send(new HeadObjectCommand({ Bucket: config.s3.bucket, Key: key }));

  started = performance.now();
  const deleted = await withTenantTx(pool, params.tenantId, (tx) =>
    tx.client.query('DELETE FROM logs WHERE tenant_id = $1 AND event_timestamp < $2', [params.tenantId, cutoff]),
  );
  const deleteMs = performance.now() - started;

  started = performance.now();
  const task = await deleteByQueryTask(opensearch, config.opensearch.index, params.tenantId, cutoff);
  const searchDeleteMs = performance.now() - started;
  const problems = [
    ...(task.error ? [`${task.error.type}: ${task.error.reason}`] : []),
    ...(task.response?.version_conflicts ? [`${task.response.version_conflicts} version conflicts`] : []),
    ...(task.response?.failures?.length ? [`${task.response.failures.length} failures, first: ${JSON.stringify(task.response.failures[0]).slice(0, 300)}`] : []),
  ];

  await Promise.allSettled([pool.end(), opensearch.close()]);
  s3.destroy();
  return {
    copyGzipUploadMs,
    deleteMs,
    searchDeleteMs,
    copiedRows: copied.rows,
    uploadedBytes: head.ContentLength ?? 0,
    gzipBytes: copied.gzipBytes,
    deletedRows: deleted.rowCount ?? 0,
    deletedDocuments: task.response?.deleted ?? 0,
    searchDeleteProblems: problems,
  };
}
