/**
 * Peak memory of the Temporal worker while it archives (and then cleans up) 1,000,000 events.
 *
 *   npm run bench:archive-memory                 (test servers running; sandbox `archivebench` by default)
 *   npm run bench:archive-memory -- 250000 --inline-bundle
 *
 * The worker runs as it should in production: compiled JavaScript (`tsc -p tsconfig.build.json`,
 * into a temp directory), a workflow bundle built ahead of time (TEMPORAL_WORKFLOW_BUNDLE), and a
 * bounded V8 heap (WORKER_NODE_OPTIONS, default `--max-old-space-size=128 --max-semi-space-size=4`:
 * the worker's live heap stays ~40 MB, but unbounded V8 lets garbage pile up past 150 MB before it
 * collects). `--inline-bundle` bundles at start-up instead, and WORKER_NODE_OPTIONS='' runs with
 * Node's defaults, for comparison (results: ops/bench/results/archive-memory.md). The bench seeds one tenant in PostgreSQL
 * (server-side INSERT … SELECT, varied content so gzip has work to do), starts the worker on a
 * task queue of its own, runs archiveWorkflow and then cleanupWorkflow for the task the archive
 * created, and reads the worker's peak resident set (VmHWM, kept by the kernel) from /proc.
 * Exits 1 if the peak reaches 256 MB.
 */
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { createPgPool } from '../../adapters/postgres/postgres-client';
import { loadConfig } from '../../platform/config/config';
import { tenantsRepository } from '../../adapters/postgres/tenants-repository';
import { workflowIdFor } from '../../domain/task';
import { createLogger } from '../../platform/observability/logger';
import { createTaskOutbox } from '../../features/delivery/task-outbox';
import { createCleanupRequester } from '../../features/retention/request-cleanup';
import { MB, memoryOf, seedVariedEvents, startCompiledWorker } from './lib/worker-memory';

const args = process.argv.slice(2);
const EVENTS = Number(args.find((arg) => /^\d+$/.test(arg)) ?? 1_000_000);
const INLINE_BUNDLE = args.includes('--inline-bundle');
const LIMIT_BYTES = 256 * 1024 * 1024;
const FROM = new Date('2024-01-01T00:00:00Z');
const CUTOFF = new Date('2025-01-01T00:00:00Z');

async function main() {
  const config = loadConfig();
  const logger = createLogger('warn', 'bench-archive-memory');
  const pool = createPgPool(config.postgres.url, 4, 'bench-archive-memory');
  const taskQueue = `archive-memory-bench-${randomUUID()}`;
  const tenantId = (await tenantsRepository(pool).create({ id: randomUUID(), name: `archive-memory-${randomUUID()}`, retentionDays: 36500 })).id;
  console.log(`archive-memory: ${EVENTS.toLocaleString('en-US')} events, tenant ${tenantId}, part size ${config.archive.partMaxRows.toLocaleString('en-US')} rows`);
  const seedStarted = Date.now();
  await seedVariedEvents(pool, tenantId, EVENTS, FROM, CUTOFF);
  console.log(`  seeding took ${((Date.now() - seedStarted) / 1000).toFixed(0)} s`);

  const worker = await startCompiledWorker({ taskQueue, inlineBundle: INLINE_BUNDLE });
  const temporal = new Client({ connection: await Connection.connect({ address: config.temporal.address }), namespace: config.temporal.namespace });
  try {
    await worker.ready;
    const pid = worker.process.pid as number;
    const idle = await memoryOf(pid);
    console.log(`  worker ready: RSS ${MB(idle.rss)} (peak so far ${MB(idle.peak)})`);
    let sampledPeak = idle.rss;
    const sampler = setInterval(() => void memoryOf(pid).then((m) => (sampledPeak = Math.max(sampledPeak, m.rss)), () => undefined), 200);

    // The task row is written as the API would; the bench starts the run itself on its own queue.
    const requester = createCleanupRequester({ outbox: createTaskOutbox({ pool, publisher: { publish: async () => undefined }, logger }), partMaxRows: config.archive.partMaxRows });
    const { taskId } = await requester.requestCleanup(tenantId, 'bench', CUTOFF);
    const run = async (workflowType: string, ref: { taskId: string; taskType: 'archive' | 'log_cleanup' }) => {
      const started = Date.now();
      const handle = await temporal.workflow.start(workflowType, { taskQueue, workflowId: workflowIdFor(ref), args: [{ tenantId, taskId: ref.taskId }] });
      const result = (await handle.result()) as Record<string, unknown>;
      return { result, seconds: (Date.now() - started) / 1000 };
    };

    const archive = await run('archiveWorkflow', { taskId, taskType: 'archive' });
    const afterArchive = await memoryOf(pid);
    console.log(`  archive: ${archive.result.rows} rows in ${archive.result.parts} parts, ${archive.seconds.toFixed(1)} s = ${Math.round(Number(archive.result.rows) / archive.seconds)} rows/s`);
    console.log(`    worker peak RSS while archiving: ${MB(afterArchive.peak)} (sampled ${MB(sampledPeak)}), RSS after: ${MB(afterArchive.rss)}`);

    const cleanup = await run('cleanupWorkflow', { taskId: String(archive.result.cleanupTaskId), taskType: 'log_cleanup' });
    const afterCleanup = await memoryOf(pid);
    clearInterval(sampler);
    console.log(`  cleanup: ${cleanup.result.deletedRows} rows in ${cleanup.seconds.toFixed(1)} s = ${Math.round(Number(cleanup.result.deletedRows) / cleanup.seconds)} rows/s`);
    console.log(`    worker peak RSS over archive and cleanup: ${MB(afterCleanup.peak)}`);
    const verdict = afterCleanup.peak < LIMIT_BYTES ? 'under' : 'OVER';
    console.log(`archive-memory: worker peak RSS ${MB(afterCleanup.peak)}, ${verdict} the ${MB(LIMIT_BYTES)} limit`);
    if (afterCleanup.peak >= LIMIT_BYTES) process.exitCode = 1;
  } finally {
    await worker.stop();
    await temporal.connection.close();
    await pool.end();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
