import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Environment } from './chaos-sandbox';
import { ServiceProcess, type Readiness, type UnexpectedExit } from './service-process';

export const SERVICES = ['api', 'relay', 'bridge', 'worker'] as const;
export type ServiceName = (typeof SERVICES)[number];

export interface ServiceProcessesOptions {
  /** The sandbox's environment (chaos-sandbox.ts). */
  env: Environment;
  /** Where every process sends its SQS calls: the fault proxy in front of ElasticMQ. */
  sqsEndpoint: string;
  /** Where every process sends its OpenSearch calls: the fault proxy in front of OpenSearch. */
  opensearchUrl: string;
  /** A prebuilt workflow bundle, so a restarted worker is polling within seconds. */
  workflowBundle: string;
  logDir: string;
  /** Added to every process's environment (e.g. AWS_MAX_ATTEMPTS). */
  extraEnv?: Environment;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * The service as four separate processes, as it is deployed: the API (HTTP on a free port, the
 * same one across restarts), the outbox relay, the task bridge and the Temporal worker, each able
 * to be SIGKILLed and started again.
 */
export class ServiceProcesses {
  private readonly cleanup = () => SERVICES.forEach((name) => this.processes[name].killNow());

  private constructor(
    readonly apiUrl: string,
    readonly processes: Record<ServiceName, ServiceProcess>,
  ) {
    process.once('exit', this.cleanup);
  }

  static async start(options: ServiceProcessesOptions): Promise<ServiceProcesses> {
    const port = await freePort();
    const apiUrl = `http://127.0.0.1:${port}`;
    const common: Environment = {
      ...options.env,
      SQS_ENDPOINT: options.sqsEndpoint,
      OPENSEARCH_URL: options.opensearchUrl,
      TEMPORAL_WORKFLOW_BUNDLE: options.workflowBundle,
      LOG_LEVEL: 'info',
      ...options.extraEnv,
    };
    const define = (name: ServiceName, entry: string, readiness: Readiness, env: Environment = {}) =>
      new ServiceProcess({ name, entry, readiness, logDir: options.logDir, env: { ...common, ...env } });
    const processes: Record<ServiceName, ServiceProcess> = {
      // The soak is about delivery, not the per-tenant rate limit: 20 clients on a few tenants would otherwise be throttled.
      api: define('api', 'api/server.ts', { kind: 'http', url: `${apiUrl}/readyz` }, { PORT: String(port), LOG_LEVEL: 'warn', RATE_LIMIT_PER_SECOND: '1000000', RATE_LIMIT_BURST: '1000000' }),
      relay: define('relay', 'workers/outbox-relay.ts', { kind: 'log-line', text: 'outbox relay started' }),
      bridge: define('bridge', 'workers/task-bridge.ts', { kind: 'log-line', text: 'task bridge consuming' }),
      worker: define('worker', 'workers/temporal-worker.ts', { kind: 'log-line', text: 'Temporal worker ready' }),
    };
    const harness = new ServiceProcesses(apiUrl, processes);
    try {
      await Promise.all(SERVICES.map((name) => processes[name].start()));
    } catch (error) {
      await harness.stopAll();
      throw error;
    }
    return harness;
  }

  /** SIGKILL one process, then start it again and wait until it serves. */
  async killAndRestart(name: ServiceName): Promise<void> {
    const target = this.processes[name];
    await target.kill();
    await target.start();
  }

  kills(): Record<ServiceName, number> {
    return Object.fromEntries(SERVICES.map((name) => [name, this.processes[name].kills])) as Record<ServiceName, number>;
  }

  unexpectedExits(): UnexpectedExit[] {
    return SERVICES.flatMap((name) => this.processes[name].unexpectedExits);
  }

  async stopAll(): Promise<void> {
    await Promise.all(SERVICES.map((name) => this.processes[name].stop()));
    process.removeListener('exit', this.cleanup);
  }
}
