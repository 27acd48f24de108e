import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { performance } from 'node:perf_hooks';
import { createS3Client } from '../../../adapters/s3/s3-client';
import type { BenchContext } from '../lib/context';
import { figure } from '../lib/figures';
import { runLoad } from '../lib/load';
import { measureGrowth } from '../lib/memory-sampler';
import { taskState } from '../lib/task-state';
import { readCorpus, storedCorpusEvents } from './corpus';
import { eachRun, round, type Scenario } from './scenario';

const MIB = 2 ** 20;
const MEMORY_BUDGET_MIB = 64;
const TIMEOUT_MS = 1_800_000;

interface ExportResult {
  rows: number;
  bytes: number;
  object_key: string;
}

/** POST /exports, then the task's row until it succeeded; throws on failure or timeout. */
async function exportJob(ctx: BenchContext, token: string): Promise<ExportResult> {
  const response = await fetch(`${ctx.apiUrl}/api/v1/exports`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ format: 'ndjson' }),
  });
  if (response.status !== 202) throw new Error(`POST /exports answered ${response.status}: ${await response.text()}`);
  const taskId = ((await response.json()) as { task_id: string }).task_id;
  const deadline = performance.now() + TIMEOUT_MS;
  while (performance.now() < deadline) {
    const state = await taskState(ctx, taskId);
    if (state?.status === 'failed') throw new Error(`export task ${taskId} failed: ${state.error_msg}`);
    if (state?.status === 'succeeded') return state.result as unknown as ExportResult;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the export task ${taskId} did not finish within ${TIMEOUT_MS / 1000} s`);
}

/** An export job (POST /exports until its task succeeded) against COPY TO + gzip + S3 upload of the same rows. */
export const exportJobs: Scenario = {
  id: '9',
  title: 'Export job to object storage',
  async run(ctx) {
    await ctx.requireEndpoint('post', '/api/v1/exports');
    const corpus = await readCorpus(ctx);
    // A tenant admin, whose reads are not recorded: each run exports exactly the rows counted before.
    const token = ctx.token('admin', corpus.tenantId);
    const rows = await storedCorpusEvents(ctx, corpus);
    const workerPid = ctx.services.pid('temporal-worker');
    if (!workerPid) throw new Error('the Temporal worker is not running');
    const s3 = createS3Client(ctx.config.s3);
    const service: number[] = [];
    const anchor: number[] = [];
    const growth: number[] = [];
    const notes: string[] = [];
    try {
      await eachRun(ctx, async (run) => {
        const started = performance.now();
        const { result, growthBytes } = await measureGrowth(workerPid, () => exportJob(ctx, token));
        const seconds = (performance.now() - started) / 1000;
        const head = await s3.send(new HeadObjectCommand({ Bucket: ctx.config.s3.bucket, Key: result.object_key }));
        if (result.rows !== rows) throw new Error(`run ${run}: the export job wrote ${result.rows} rows, expected ${rows}`);
        if (head.ContentLength !== result.bytes) throw new Error(`run ${run}: the export object holds ${head.ContentLength} bytes, its task says ${result.bytes}`);
        service.push(result.rows / seconds);
        growth.push(growthBytes / MIB);

        const raw = await runLoad('exportJobAnchor', { tenantId: corpus.tenantId });
        if (raw.rows !== rows || raw.objectRows !== raw.rows || raw.objectBytes <= 0) {
          throw new Error(`run ${run}: the anchor copied ${raw.rows} rows and uploaded ${raw.objectBytes} bytes holding ${raw.objectRows} rows, expected ${rows}`);
        }
        anchor.push((raw.rows / raw.elapsedMs) * 1000);
        notes.push(
          `run ${run}: export job ${round(seconds, 2)} s (${round(result.bytes / MIB)} MiB gzip NDJSON); COPY+gzip+upload ${round(raw.elapsedMs / 1000, 2)} s (${round(raw.objectBytes / MIB)} MiB gzip text, ${raw.objectRows} rows read back from S3)`,
        );
      });
    } finally {
      s3.destroy();
    }
    notes.push(
      `${rows.toLocaleString('en-US')} events of one tenant (counted in PostgreSQL before the runs). The job's time runs from POST /exports until its task row says succeeded (the outbox, the task bridge, the workflow, the rows as NDJSON, gzip, a recorded multipart upload); its object's size is checked in the bucket.`,
      'The anchor runs COPY (SELECT the columns … ORDER BY event_timestamp, id) TO STDOUT as the app role in the tenant\'s transaction, gzip and one S3 upload of the same rows; the object is then read back from S3 and its lines counted.',
      'Worker memory growth is the Temporal worker\'s peak RSS during the job minus its RSS just before, sampled every 50 ms. The bench runs the compiled worker with the node flags `npm run up` gives it; the first run also pays for loading the export code. `npm run bench:export-job-memory` measures 1,000,000 rows.',
    );
    return {
      figures: [
        figure('export job', 'rows/s', true, service, 'COPY TO + gzip + S3 upload', anchor, { text: '≥ 0.5× anchor', check: (s, a) => s >= 0.5 * a }),
        figure('worker memory growth', 'MiB', false, growth, 'budget', [MEMORY_BUDGET_MIB], { text: `≤ ${MEMORY_BUDGET_MIB} MiB`, check: (s) => s <= MEMORY_BUDGET_MIB }),
      ],
      notes,
    };
  },
};
