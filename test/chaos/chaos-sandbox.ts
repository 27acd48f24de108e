import { execFileSync, spawn } from 'node:child_process';
import path from 'node:path';
import { PurgeQueueCommand } from '@aws-sdk/client-sqs';
import { Client } from 'pg';
import { createSqsClient } from '../../adapters/sqs/sqs-client';
import { createTemporalClient } from '../../adapters/temporal/temporal-client';
import { loadConfig } from '../../platform/config/config';

export const PROJECT_ROOT = path.resolve(__dirname, '..', '..');

/** The variables ops/stack/service-env.sh derives from the sandbox name (it keeps any already set). */
const SANDBOXED_VARIABLES = [
  'DATABASE_OWNER_URL',
  'DATABASE_URL',
  'SQS_INDEX_QUEUE_URL',
  'SQS_ARCHIVE_QUEUE_URL',
  'SQS_CLEANUP_QUEUE_URL',
  'S3_BUCKET',
  'OPENSEARCH_INDEX',
  'TEMPORAL_TASK_QUEUE',
];

export type Environment = Record<string, string>;

/**
 * The environment of a sandbox of its own beside the test run's (`<SERVICE_SANDBOX>soak`): its
 * database, queues, index, bucket and task queue. Inside `npm test` the shared in-process test
 * system runs a relay, bridges and a worker on the run's sandbox; they would carry the soak's tasks
 * past the processes it kills, so the soak must not share their database or queues.
 */
export function soakSandboxEnvironment(base: NodeJS.ProcessEnv = process.env): Environment {
  if (!base.STACK_STATE_DIR || !base.STACK_PROFILE) throw new Error('run the chaos soak through ops/stack/test.sh (it sources the test profile and service-env.sh)');
  const sandbox = `${base.SERVICE_SANDBOX ?? ''}soak`;
  const inherited: NodeJS.ProcessEnv = { ...base, SERVICE_SANDBOX: sandbox };
  for (const name of SANDBOXED_VARIABLES) delete inherited[name];
  const dump = execFileSync('bash', ['-c', 'set -euo pipefail; source ops/stack/service-env.sh; env -0'], { cwd: PROJECT_ROOT, env: inherited, encoding: 'utf8' });
  const env: Environment = {};
  for (const entry of dump.split('\0')) {
    const at = entry.indexOf('=');
    if (at > 0) env[entry.slice(0, at)] = entry.slice(at + 1);
  }
  return env;
}

/**
 * Starts the sandbox afresh: drops its database, empties its queues and terminates the runs still
 * open on its task queue, so work left by an interrupted earlier run neither loads this run (a
 * backlog of a thousand retrying workflow tasks delays every new run by minutes) nor blurs its
 * figures. The sandbox is the soak's alone.
 */
export async function resetSandbox(env: Environment): Promise<void> {
  const adminUrl = env.DATABASE_ADMIN_URL;
  if (!adminUrl) throw new Error('DATABASE_ADMIN_URL is needed to reset the soak sandbox');
  const database = new URL(env.DATABASE_URL as string).pathname.slice(1);
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${database.replace(/"/g, '""')}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
  const config = loadConfig(env);
  const sqs = createSqsClient(config.sqs);
  try {
    const queues = Object.values(config.sqs.queueUrls).flatMap((url) => [url, `${url}-dlq`]);
    // A queue that does not exist yet (the first run) has nothing to purge.
    await Promise.all(queues.map((url) => sqs.send(new PurgeQueueCommand({ QueueUrl: url })).catch(() => undefined)));
  } finally {
    sqs.destroy();
  }
  const temporal = await createTemporalClient(config.temporal);
  try {
    const open: string[] = [];
    for await (const run of temporal.workflow.list({ query: `TaskQueue = '${config.temporal.taskQueue}' AND ExecutionStatus = 'Running'` })) open.push(run.workflowId);
    for (let start = 0; start < open.length; start += 50) {
      await Promise.all(open.slice(start, start + 50).map((id) => temporal.workflow.getHandle(id).terminate('the chaos soak resets its sandbox').catch(() => undefined)));
    }
  } finally {
    await temporal.connection.close();
  }
}

/** Runs the project's own provisioning (idempotent) for that sandbox: migrations, queues, index, bucket, schedule. */
export function provisionSandbox(env: Environment): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'ops/scripts/provision.ts'], { cwd: PROJECT_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`provisioning the soak sandbox failed (exit ${String(code)}): ${output}`))));
  });
}
