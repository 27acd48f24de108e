import { spawn, spawnSync, type ChildProcessByStdio } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { Pool } from 'pg';
import { withTenantTx } from '../../../adapters/postgres/tenant-transaction';
import { bundleWorkflows } from '../../scripts/bundle-workflows';

// The memory benches of the Temporal worker (archive-memory.ts, export-job-memory.ts) share these.

const ROOT = path.resolve(__dirname, '..', '..', '..');
const SEED_BATCH = 100_000;

export const MB = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/** The worker's flags as production runs it (docker-compose.yml), unless WORKER_NODE_OPTIONS says otherwise. */
export const WORKER_NODE_OPTIONS = (process.env.WORKER_NODE_OPTIONS ?? '--max-old-space-size=128 --max-semi-space-size=4').split(/\s+/).filter(Boolean);

/** A process's resident set now and its peak so far (VmHWM, kept by the kernel). */
export async function memoryOf(pid: number): Promise<{ rss: number; peak: number }> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
  return { rss: kb('VmRSS'), peak: kb('VmHWM') };
}

/**
 * Seeds `events` varied events (so gzip has work to do) spread evenly over [from, to), server-side.
 * The range must lie in partitions that exist (provisioning creates whole years back from 2021).
 */
export async function seedVariedEvents(pool: Pool, tenantId: string, events: number, from: Date, to: Date): Promise<void> {
  const spanMs = to.getTime() - from.getTime();
  for (let start = 0; start < events; start += SEED_BATCH) {
    const count = Math.min(SEED_BATCH, events - start);
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
        [tenantId, start, from.getTime(), spanMs, events, count],
      ),
    );
    process.stdout.write(`\r  seeded ${(start + count).toLocaleString('en-US')} events`);
  }
  process.stdout.write('\n');
}

export interface CompiledWorker {
  process: ChildProcessByStdio<null, Readable, null>;
  /** Resolves once the worker polls its task queue. */
  ready: Promise<void>;
  /** Stops the worker and removes its build. */
  stop(): Promise<void>;
}

/**
 * Compiles the service into a temp directory (`tsc -p tsconfig.build.json`), bundles the workflows
 * there unless `inlineBundle`, as the image build does, and starts the worker from it on `taskQueue`.
 */
export async function startCompiledWorker(options: { taskQueue: string; inlineBundle?: boolean }): Promise<CompiledWorker> {
  const dir = await mkdtemp(path.join(tmpdir(), 'worker-memory-'));
  const compiled = spawnSync('npx', ['tsc', '-p', 'tsconfig.build.json', '--outDir', dir], { cwd: ROOT, encoding: 'utf8' });
  const entry = path.join(dir, 'workers', 'temporal-worker.js');
  if (!existsSync(entry)) throw new Error(`tsc emitted no worker: ${compiled.stdout}${compiled.stderr}`);
  if (compiled.status !== 0) console.warn('  (tsc reported type errors elsewhere in the tree; using the JavaScript it emitted)');
  await symlink(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));
  const bundle = path.join(dir, 'workflow-bundle.js');
  if (!options.inlineBundle) await bundleWorkflows(bundle);
  console.log(`  worker: compiled JavaScript, ${options.inlineBundle ? 'bundling workflows at start-up' : 'prebuilt workflow bundle'}, node ${WORKER_NODE_OPTIONS.join(' ') || '(default flags)'}`);
  const worker = spawn(process.execPath, [...WORKER_NODE_OPTIONS, entry], {
    cwd: ROOT,
    env: { ...process.env, TEMPORAL_TASK_QUEUE: options.taskQueue, LOG_LEVEL: 'info', ...(options.inlineBundle ? {} : { TEMPORAL_WORKFLOW_BUNDLE: bundle }) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const ready = new Promise<void>((resolve, reject) => {
    worker.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('Temporal worker ready') && resolve());
    worker.once('exit', (code) => reject(new Error(`the worker exited with ${code} before it was ready`)));
  });
  ready.catch(() => undefined);
  return {
    process: worker,
    ready,
    async stop() {
      worker.kill('SIGTERM');
      await rm(dir, { recursive: true, force: true });
    },
  };
}
