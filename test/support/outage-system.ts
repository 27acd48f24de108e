import { spawn } from 'node:child_process';
import path from 'node:path';
import { TestSystem } from './system';

const PROJECT_ROOT = path.resolve(__dirname, '..', '..');
const QUEUES = ['index', 'archive', 'cleanup'] as const;

/** Where a sandbox's servers are, when not the shared test servers. */
export interface PrivateEndpoints {
  redisUrl?: string;
  sqsEndpoint?: string;
  s3Endpoint?: string;
  opensearchUrl?: string;
  temporalAddress?: string;
}

/**
 * A sandbox of its own per outage (database, queues, bucket, index, task queue), derived from the
 * run's SERVICE_SANDBOX: the shared test system's outbox relay and bridges work on every task of
 * their database and queues, and would otherwise carry this sandbox's backlog past the server
 * that is down. A name, not a random id, so a re-run reuses the database instead of piling them up.
 */
export function outageSandboxName(dependency: string): string {
  const base = (process.env.SERVICE_SANDBOX ?? 'main').toLowerCase().replace(/[^a-z0-9]+/g, '-');
  return `${base}-outage-${dependency}`;
}

/** The queue names of a sandbox (a private ElasticMQ must configure them). */
export const sandboxQueues = (name: string) => QUEUES.map((queue) => `${queue}-${name}`);

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/** The run's environment, moved to the sandbox `name` and to the given private servers. */
export function sandboxEnv(name: string, endpoints: PrivateEndpoints = {}): NodeJS.ProcessEnv {
  const env = process.env;
  const database = `audit_log_${name.replace(/-/g, '_')}`;
  const sqsEndpoint = endpoints.sqsEndpoint ?? (env.SQS_ENDPOINT as string);
  const queueUrl = (queue: string) => `${sqsEndpoint}/000000000000/${queue}-${name}`;
  return {
    ...env,
    // The outage makes every component log its failures; OUTAGE_LOG_LEVEL=warn shows them.
    LOG_LEVEL: env.OUTAGE_LOG_LEVEL ?? 'fatal',
    DATABASE_URL: withDatabase(env.DATABASE_URL as string, database),
    DATABASE_OWNER_URL: withDatabase(env.DATABASE_OWNER_URL as string, database),
    REDIS_URL: endpoints.redisUrl ?? env.REDIS_URL,
    SQS_ENDPOINT: sqsEndpoint,
    SQS_INDEX_QUEUE_URL: queueUrl('index'),
    SQS_ARCHIVE_QUEUE_URL: queueUrl('archive'),
    SQS_CLEANUP_QUEUE_URL: queueUrl('cleanup'),
    S3_ENDPOINT: endpoints.s3Endpoint ?? env.S3_ENDPOINT,
    S3_BUCKET: `audit-archive-${name}`,
    OPENSEARCH_URL: endpoints.opensearchUrl ?? env.OPENSEARCH_URL,
    OPENSEARCH_INDEX: `audit-logs-test-${name}`,
    TEMPORAL_ADDRESS: endpoints.temporalAddress ?? env.TEMPORAL_ADDRESS,
    TEMPORAL_TASK_QUEUE: `audit-log-${name}`,
  };
}

/** Runs ops/scripts/provision.ts for `env`: database and migrations, queues, bucket, index template, retention schedule. */
export async function provision(env: NodeJS.ProcessEnv): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'ops/scripts/provision.ts'], { cwd: PROJECT_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`provisioning the outage sandbox failed (${code}): ${output}`);
}

/**
 * The whole service in this process (API, worker, bridges, relay) on the sandbox `name`, wired to the
 * given private servers; `settings` adds or overrides variables (e.g. shorter queue horizons).
 */
export async function startOutageSystem(name: string, endpoints: PrivateEndpoints = {}, settings: NodeJS.ProcessEnv = {}): Promise<TestSystem> {
  const env = { ...sandboxEnv(name, endpoints), ...settings };
  await provision(env);
  return new TestSystem(env).start();
}
