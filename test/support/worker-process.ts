import { spawn } from 'node:child_process';
import path from 'node:path';
import { productionNodeFlags } from './production-node-flags';
import type { TestSystem } from './system';
import { waitFor } from './wait-for';

const PROJECT_ROOT = path.resolve(__dirname, '..', '..');

/** A process entry point of workers/ and the line it logs once it serves. */
export interface ServiceEntry {
  entry: string;
  readyLine: string;
}

export const TEMPORAL_WORKER: ServiceEntry = { entry: 'workers/temporal-worker.ts', readyLine: 'Temporal worker ready' };
export const TASK_BRIDGE: ServiceEntry = { entry: 'workers/task-bridge.ts', readyLine: 'task bridge consuming' };
export const OUTBOX_RELAY: ServiceEntry = { entry: 'workers/outbox-relay.ts', readyLine: 'outbox relay started' };
export const BACKGROUND: ServiceEntry = { entry: 'workers/background.ts', readyLine: 'background process ready' };

/**
 * The Temporal worker as its own process (`node --import tsx workers/temporal-worker.ts`), with this
 * test run's environment, so a test can kill it the way a machine dies.
 */
export function spawnWorkerProcess(env: Record<string, string> = {}) {
  return spawnServiceProcess(TEMPORAL_WORKER, env);
}

/**
 * How a test runs a process: from source through tsx (the default), or as `npm run up` runs it: its
 * build (dist/, made by `npm test` before the suite), app.sh's node flags for `name` (heap limits),
 * and the prebuilt workflow bundle.
 */
export type ServiceLaunch = { built: false } | { built: true; name: string };

function commandOf(service: ServiceEntry, launch: ServiceLaunch): { args: string[]; env: Record<string, string> } {
  if (!launch.built) return { args: ['--import', 'tsx', service.entry], env: {} };
  return {
    args: [...productionNodeFlags(launch.name), path.join('dist', service.entry.replace(/\.ts$/, '.js'))],
    env: { TEMPORAL_WORKFLOW_BUNDLE: path.join(PROJECT_ROOT, 'dist', 'workflow-bundle.js') },
  };
}

/** Any entry of workers/ as its own process with this test run's environment plus `env`. */
export function spawnServiceProcess(service: ServiceEntry, env: Record<string, string> = {}, launch: ServiceLaunch = { built: false }) {
  const command = commandOf(service, launch);
  const child = spawn(process.execPath, command.args, {
    cwd: PROJECT_ROOT,
    env: { ...process.env, LOG_LEVEL: 'info', ...command.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code)));

  return {
    pid: child.pid as number,
    /** The node arguments it was started with (flags, entry). */
    args: command.args,
    output: () => output,
    /** Whether it has exited, however. */
    exited: () => child.exitCode !== null || child.signalCode !== null,
    ready: () =>
      Promise.race([
        waitFor(`${service.entry} to be ready`, () => output.includes(service.readyLine), { timeoutMs: 180_000, intervalMs: 200 }),
        exited.then((how) => {
          throw new Error(`${service.entry} exited (${String(how)}) before it was ready: ${output}`);
        }),
      ]),
    async kill(signal: NodeJS.Signals) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

export type WorkerProcess = ReturnType<typeof spawnServiceProcess>;

/**
 * For a `describe` whose tests run the worker as processes they can kill: stops the shared test
 * system's in-process worker before them, and afterwards kills every process they spawned (listed
 * in the returned array) and puts an in-process worker back.
 */
export function withWorkerProcesses(system: () => TestSystem): WorkerProcess[] {
  const workers: WorkerProcess[] = [];
  before(async () => {
    await system().worker?.stop();
    system().worker = undefined;
  });
  after(async () => {
    for (const worker of workers) await worker.kill('SIGKILL');
    await system().replaceWorker();
  });
  return workers;
}
