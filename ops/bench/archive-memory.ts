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
import { createTaskOutbox } from '../../features/delivery/task-outbox';
import { spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { createPgPool } from '../../adapters/postgres/postgres-client';
import { loadConfig } from '../../platform/config/config';
import { tenantsRepository } from '../../adapters/postgres/tenants-repository';
import { withTenantTx } from '../../adapters/postgres/tenant-transaction';
import { workflowIdFor } from '../../domain/task';
import { createLogger } from '../../platform/observability/logger';
import { createCleanupRequester } from '../../features/retention/request-cleanup';
import { bundleWorkflows } from '../scripts/bundle-workflows';

const args = process.argv.slice(2);
const EVENTS = Number(args.find((arg) => /^\d+$/.test(arg)) ?? 1_000_000);
const INLINE_BUNDLE = args.includes('--inline-bundle');
const ROOT = path.resolve(__dirname, '..', '..');
const WORKER_NODE_OPTIONS = (process.env.WORKER_NODE_OPTIONS ?? '--max-old-space-size=128 --max-semi-space-size=4').split(/\s+/).filter(Boolean);
const LIMIT_BYTES = 256 * 1024 * 1024;
const SEED_BATCH = 100_000;
const FROM = Date.parse('2024-01-01T00:00:00Z');
const CUTOFF = new Date('2025-01-01T00:00:00Z');
const MB = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

async function memoryOf(pid: number): Promise<{ rss: number; peak: number }> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
  return { rss: kb('VmRSS'), peak: kb('VmHWM') };
}

async function seed(pool: ReturnType<typeof createPgPool>, tenantId: string): Promise<void> {
  const spanMs = CUTOFF.getTime() - FROM;
  for (let month = new Date(FROM); month < CUTOFF; month.setUTCMonth(month.getUTCMonth() + 1)) await pool.query('SELECT ensure_log_partition($1)', [month]);
  for (let start = 0; start < EVENTS; start += SEED_BATCH) {
    const count = Math.min(SEED_BATCH, EVENTS - start);
    await withTenantTx(pool, tenantId, (tx) =>
      tx.client.query(
        `INSERT INTO logs (id, tenant_id, received_at, action, severity, user_id, session_id, resource, resource_id, message,
                           ip_address, user_agent, before_state, after_state, metadata, event_timestamp, event_id)
         SELECT gen_random_uuid(), $1, now(), (ARRAY['user.login','user.logout','invoice.update','report.view'])[1 + i % 4],
                (ARRAY['INFO','WARNING','ERROR','CRITICAL'])[1 + i % 4], 'user-' || (i % 5000), md5(i::text || 's'),
                'invoice', md5(random()::text), 'User ' || (i % 5000) || ' changed invoice ' || md5(random()::text) || ' from the billing console',
                ('10.' || (i % 250) || '.' || (i % 199) || '.' || (i % 97))::inet,
                'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36',
                jsonb_build_object('status', 'draft', 'amount', i % 10000), jsonb_build_object('status', 'sent', 'amount', (i * 7) % 10000),
                jsonb_build_object('request_id', md5(random()::text), 'region', (ARRAY['eu-west-1','us-east-1','ap-south-1'])[1 + i % 3], 'attempt', i % 7),
                to_timestamp(($3::bigint + (i::bigint * $4::bigint) / $5::bigint) / 1000.0),
                CASE WHEN i % 3 = 0 THEN 'evt-' || i END
           FROM generate_series($2::bigint, $2::bigint + $6::bigint - 1) AS i`,
        [tenantId, start, FROM, spanMs, EVENTS, count],
      ),
    );
    process.stdout.write(`\r  seeded ${(start + count).toLocaleString('en-US')} events`);
  }
  process.stdout.write('\n');
}

/** Compiles the service into a temp directory and bundles the workflows there, as the image build does. */
async function buildWorker(): Promise<{ dir: string; entry: string; bundle: string }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'archive-memory-'));
  const compiled = spawnSync('npx', ['tsc', '-p', 'tsconfig.build.json', '--outDir', dir], { cwd: ROOT, encoding: 'utf8' });
  const entry = path.join(dir, 'workers', 'temporal-worker.js');
  if (!existsSync(entry)) throw new Error(`tsc emitted no worker: ${compiled.stdout}${compiled.stderr}`);
  if (compiled.status !== 0) console.warn('  (tsc reported type errors elsewhere in the tree; using the JavaScript it emitted)');
  await symlink(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));
  const bundle = path.join(dir, 'workflow-bundle.js');
  await bundleWorkflows(bundle);
  return { dir, entry, bundle };
}

async function main() {
  const config = loadConfig();
  const logger = createLogger('warn', 'bench-archive-memory');
  const pool = createPgPool(config.postgres.url, 4, 'bench-archive-memory');
  const taskQueue = `archive-memory-bench-${randomUUID()}`;
  const tenantId = (await tenantsRepository(pool).create({ id: randomUUID(), name: `archive-memory-${randomUUID()}`, retentionDays: 36500 })).id;
  console.log(`archive-memory: ${EVENTS.toLocaleString('en-US')} events, tenant ${tenantId}, part size ${config.archive.partMaxRows.toLocaleString('en-US')} rows`);
  const seedStarted = Date.now();
  await seed(pool, tenantId);
  console.log(`  seeding took ${((Date.now() - seedStarted) / 1000).toFixed(0)} s`);

  const build = await buildWorker();
  console.log(`  worker: compiled JavaScript, ${INLINE_BUNDLE ? 'bundling workflows at start-up' : 'prebuilt workflow bundle'}, node ${WORKER_NODE_OPTIONS.join(' ') || '(default flags)'}`);
  const worker = spawn(process.execPath, [...WORKER_NODE_OPTIONS, build.entry], {
    cwd: ROOT,
    env: { ...process.env, TEMPORAL_TASK_QUEUE: taskQueue, LOG_LEVEL: 'info', ...(INLINE_BUNDLE ? {} : { TEMPORAL_WORKFLOW_BUNDLE: build.bundle }) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const ready = new Promise<void>((resolve, reject) => {
    worker.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('Temporal worker ready') && resolve());
    worker.once('exit', (code) => reject(new Error(`the worker exited with ${code} before it was ready`)));
  });
  const temporal = new Client({ connection: await Connection.connect({ address: config.temporal.address }), namespace: config.temporal.namespace });
  try {
    await ready;
    const pid = worker.pid as number;
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
    worker.kill('SIGTERM');
    await temporal.connection.close();
    await pool.end();
    await rm(build.dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
