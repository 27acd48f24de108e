import { spawn } from 'node:child_process';
import path from 'node:path';
import type { TestSystem } from './system';
import { waitFor } from './wait-for';

const PROJECT_ROOT = path.resolve(__dirname, '..', '..');

/**
 * The Temporal worker as its own process (`node --import tsx workers/temporal-worker.ts`), with this
 * test run's environment, so a test can kill it the way a machine dies.
 */
export function spawnWorkerProcess(env: Record<string, string> = {}) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'workers/temporal-worker.ts'], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code)));

  return {
    pid: child.pid as number,
    output: () => output,
    ready: () =>
      Promise.race([
        waitFor('the worker process to poll its task queue', () => output.includes('Temporal worker ready'), { timeoutMs: 180_000, intervalMs: 200 }),
        exited.then((how) => {
          throw new Error(`the worker process exited (${String(how)}) before it was ready: ${output}`);
        }),
      ]),
    async kill(signal: NodeJS.Signals) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

export type WorkerProcess = ReturnType<typeof spawnWorkerProcess>;

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
