/**
 * Memory growth of the Temporal worker while an export job writes 1,000,000 events to S3.
 *
 *   npm run bench:export-job-memory              (test servers running; sandbox `exportbench` by default)
 *   npm run bench:export-job-memory -- 250000 --format=csv
 *
 * The worker runs as in production (compiled JavaScript, a prebuilt workflow bundle, the bounded
 * V8 heap of docker-compose.yml; see lib/worker-memory.ts). The bench seeds one tenant, writes an
 * `export` task as POST /exports does and starts exportWorkflow on a task queue of its own: first a
 * warm-up export of 10,000 rows (loading modules, opening connections), then the full one. The
 * worker's RSS is sampled every 100 ms; growth is the peak during the full export minus the RSS
 * before it. Exits 1 if the growth passes 64 MiB.
 */
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { createPgPool } from '../../adapters/postgres/postgres-client';
import { tenantsRepository } from '../../adapters/postgres/tenants-repository';
import { workflowIdFor } from '../../domain/task';
import { createTaskOutbox } from '../../features/delivery/task-outbox';
import type { ExportFormat } from '../../features/export/export-formats';
import { createExportRequester } from '../../features/export/request-export';
import { loadConfig } from '../../platform/config/config';
import { createLogger } from '../../platform/observability/logger';
import { MB, memoryOf, seedVariedEvents, startCompiledWorker } from './lib/worker-memory';

const args = process.argv.slice(2);
const EVENTS = Number(args.find((arg) => /^\d+$/.test(arg)) ?? 1_000_000);
const FORMAT = (args.find((arg) => arg.startsWith('--format='))?.slice('--format='.length) ?? 'ndjson') as ExportFormat;
const WARM_UP_EVENTS = 10_000;
const LIMIT_BYTES = 64 * 1024 * 1024;
const FROM = new Date('2024-01-01T00:00:00Z');
const TO = new Date('2025-01-01T00:00:00Z');

async function main() {
  const config = loadConfig();
  const pool = createPgPool(config.postgres.url, 4, 'bench-export-job-memory');
  const taskQueue = `export-memory-bench-${randomUUID()}`;
  const tenantId = (await tenantsRepository(pool).create({ id: randomUUID(), name: `export-memory-${randomUUID()}`, retentionDays: 36500 })).id;
  console.log(`export-job-memory: ${EVENTS.toLocaleString('en-US')} events as ${FORMAT}, tenant ${tenantId}`);
  const seedStarted = Date.now();
  await seedVariedEvents(pool, tenantId, EVENTS, FROM, TO);
  console.log(`  seeding took ${((Date.now() - seedStarted) / 1000).toFixed(0)} s`);

  const worker = await startCompiledWorker({ taskQueue });
  const temporal = new Client({ connection: await Connection.connect({ address: config.temporal.address }), namespace: config.temporal.namespace });
  // The task row is written as the API would; the bench starts the run itself on its own queue.
  const requester = createExportRequester({ outbox: createTaskOutbox({ pool, publisher: { publish: async () => undefined }, logger: createLogger('warn', 'bench-export-job-memory') }) });
  const exportRows = async (filter: Record<string, string>) => {
    const { taskId } = await requester.request(tenantId, 'bench', { format: FORMAT, filter });
    const started = Date.now();
    const handle = await temporal.workflow.start('exportWorkflow', { taskQueue, workflowId: workflowIdFor({ taskId, taskType: 'export' }), args: [{ tenantId, taskId }] });
    const result = (await handle.result()) as { rows: number; bytes: number };
    return { ...result, seconds: (Date.now() - started) / 1000 };
  };
  try {
    await worker.ready;
    const pid = worker.process.pid as number;
    console.log(`  worker ready: RSS ${MB((await memoryOf(pid)).rss)}`);
    const warmEnd = new Date(FROM.getTime() + ((TO.getTime() - FROM.getTime()) * WARM_UP_EVENTS) / EVENTS).toISOString();
    const warm = await exportRows({ end_time: warmEnd });
    const before = await memoryOf(pid);
    console.log(`  warm-up: ${warm.rows} rows; worker RSS after it ${MB(before.rss)} (peak so far ${MB(before.peak)})`);

    let sampledPeak = before.rss;
    const sampler = setInterval(() => void memoryOf(pid).then((m) => (sampledPeak = Math.max(sampledPeak, m.rss)), () => undefined), 100);
    const full = await exportRows({});
    clearInterval(sampler);
    const after = await memoryOf(pid);
    const growth = sampledPeak - before.rss;
    console.log(`  export: ${full.rows.toLocaleString('en-US')} rows, ${MB(full.bytes)} gzip, ${full.seconds.toFixed(1)} s = ${Math.round(full.rows / full.seconds)} rows/s`);
    console.log(`    worker RSS: ${MB(before.rss)} before, ${MB(sampledPeak)} sampled peak during, ${MB(after.rss)} after (kernel VmHWM ${MB(after.peak)})`);
    const verdict = growth <= LIMIT_BYTES ? 'within' : 'OVER';
    console.log(`export-job-memory: worker RSS growth ${MB(growth)} over ${full.rows.toLocaleString('en-US')} rows, ${verdict} the ${MB(LIMIT_BYTES)} budget`);
    if (full.rows !== EVENTS) throw new Error(`the export wrote ${full.rows} rows, expected ${EVENTS}`);
    if (growth > LIMIT_BYTES) process.exitCode = 1;
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
