import { GetObjectCommand } from '@aws-sdk/client-s3';
import { performance } from 'node:perf_hooks';
import type { Readable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import { createRestoredCopies, restoredIndexName } from '../../../adapters/opensearch/restored-copies';
import { createS3Client } from '../../../adapters/s3/s3-client';
import type { Manifest } from '../../../adapters/s3/manifest';
import type { BenchContext } from '../lib/context';
import { figure } from '../lib/figures';
import { seedTenant } from '../lib/seed';
import { eachRun, round, type Scenario } from './scenario';

const DAY = 86_400_000;
const BULK_ROWS = 1_000;

interface TaskState {
  status: string;
  result: Record<string, unknown> | null;
  error_msg: string | null;
}

async function waitForTask(ctx: BenchContext, taskId: string, timeoutMs: number): Promise<TaskState> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    const state = (await ctx.ownerPool.query<TaskState>('SELECT status, result, error_msg FROM async_task WHERE task_id = $1', [taskId])).rows[0];
    if (state?.status === 'failed') throw new Error(`task ${taskId} failed: ${state.error_msg}`);
    if (state?.status === 'succeeded') return state;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`task ${taskId} did not finish within ${timeoutMs / 1000} s`);
}

async function call(ctx: BenchContext, method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(`${ctx.apiUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${ctx.token('admin')}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (response.status !== 202) throw new Error(`${method} ${path} answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as Record<string, unknown>;
}

/** The raw steps for the same parts: S3 GET, gunzip, `_bulk` into a scratch index; returns the documents counted there. */
async function rawRestore(ctx: BenchContext, manifest: Manifest, scratchBase: string): Promise<number> {
  const s3 = createS3Client(ctx.config.s3);
  const index = restoredIndexName(scratchBase);
  try {
    for (const part of manifest.parts) {
      const response = await s3.send(new GetObjectCommand({ Bucket: ctx.config.s3.bucket, Key: part.key }));
      const chunks: Buffer[] = [];
      for await (const chunk of response.Body as Readable) chunks.push(chunk as Buffer);
      const rows = gunzipSync(Buffer.concat(chunks)).toString('utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as { id: string; tenant_id: string });
      for (let start = 0; start < rows.length; start += BULK_ROWS) {
        const body = rows.slice(start, start + BULK_ROWS).flatMap((row) => [{ index: { _index: index, _id: row.id, routing: row.tenant_id } }, { ...row, restored: true }]);
        const result = await ctx.opensearch.bulk({ body, refresh: false });
        if (result.body.errors) throw new Error('the raw _bulk refused documents');
      }
    }
  } finally {
    s3.destroy();
  }
  await ctx.opensearch.indices.refresh({ index });
  return (await ctx.opensearch.count({ index })).body.count;
}

/** POST /restores of an archived range against S3 GET + gunzip + `_bulk` of the same parts. */
export const restore: Scenario = {
  id: '10',
  title: 'Restore',
  async run(ctx) {
    await ctx.requireEndpoint('post', '/api/v1/restores');
    const { rows, timeoutMs } = ctx.scale.archive;
    const service: number[] = [];
    const anchor: number[] = [];
    const notes: string[] = [];
    await eachRun(ctx, async (run) => {
      const tenantId = await ctx.newTenant('restore');
      const endMs = Date.now() - DAY;
      const startMs = endMs - 60 * DAY;
      await seedTenant(ctx.seedDeps, tenantId, rows, { seed: 950 + run, startMs, endMs, search: true });
      const archive = await call(ctx, 'DELETE', `/api/v1/logs/cleanup?before_date=${encodeURIComponent(new Date().toISOString())}&tenant_id=${tenantId}`);
      const archived = await waitForTask(ctx, archive.task_id as string, timeoutMs);
      await waitForTask(ctx, archived.result?.log_cleanup_task_id as string, timeoutMs);

      const range = { start_time: new Date(startMs - DAY).toISOString(), end_time: new Date(endMs + DAY).toISOString() };
      const started = performance.now();
      const restoreTask = await call(ctx, 'POST', `/api/v1/restores?tenant_id=${tenantId}`, range);
      const restored = await waitForTask(ctx, restoreTask.task_id as string, timeoutMs);
      const serviceSeconds = (performance.now() - started) / 1000;
      if (restored.result?.rows !== rows) throw new Error(`the restore loaded ${String(restored.result?.rows)} of ${rows} events`);
      service.push(rows / serviceSeconds);

      const s3 = createS3Client(ctx.config.s3);
      const manifestObject = await s3.send(new GetObjectCommand({ Bucket: ctx.config.s3.bucket, Key: archived.result?.manifest_key as string }));
      const manifest = JSON.parse(await (manifestObject.Body as { transformToString(): Promise<string> }).transformToString()) as Manifest;
      s3.destroy();
      const scratch = `${ctx.index}-bench-raw-${run}`;
      await createRestoredCopies(ctx.opensearch, scratch).ensureIndex();
      const rawStarted = performance.now();
      const indexed = await rawRestore(ctx, manifest, scratch);
      const rawSeconds = (performance.now() - rawStarted) / 1000;
      await ctx.opensearch.indices.delete({ index: restoredIndexName(scratch) });
      if (indexed !== rows) throw new Error(`the raw steps indexed ${indexed} of ${rows} documents`);
      anchor.push(rows / rawSeconds);
      await call(ctx, 'DELETE', `/api/v1/restores/${restoreTask.restore_id as string}?tenant_id=${tenantId}`);
      notes.push(`run ${run}: service ${round(serviceSeconds, 2)} s (${manifest.parts.length} parts); raw GET+gunzip+\`_bulk\` ${round(rawSeconds, 2)} s (${indexed} documents counted)`);
    });
    notes.push(
      `${rows.toLocaleString('en-US')} events archived and cleaned up, then restored whole; the service's time runs from POST /restores until its task succeeded (SQS, workflow start, plan, per-part SHA-256 check, \`_bulk\`, progress rows, refresh).`,
      'The anchor reads the same parts and writes the same documents with `_bulk` into a scratch index, one request at a time like the service, and counts them there.',
    );
    return {
      figures: [figure('restore', 'events/s', true, service, 'S3 GET + gunzip + `_bulk` of the same parts', anchor, { text: '≥ 0.5× anchor', check: (s, a) => s >= 0.5 * a })],
      notes,
    };
  },
};
