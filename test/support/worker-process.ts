import { spawn } from 'node:child_process';
import path from 'node:path';
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
