import { fork } from 'node:child_process';
import path from 'node:path';
import type { FromLoad, ToLoad } from '../load/protocol';
import type { JobKind, JobParams, JobResult } from '../load/jobs';

export interface LoadOptions {
  /** Runs after the job's set-up, before it starts (e.g. to start a publisher once subscribers are in). */
  onReady?: () => Promise<void>;
  /** Kills the load process past this; every job is also bounded by its own duration or count. */
  timeoutMs?: number;
}

/** Runs one load job in its own process (`ops/bench/load/driver.ts`) and returns its result. */
export function runLoad<K extends JobKind>(kind: K, params: JobParams<K>, options: LoadOptions = {}): Promise<JobResult<K>> {
  const child = fork(path.join(__dirname, '..', 'load', 'driver.ts'), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const timeoutMs = options.timeoutMs ?? 600_000;
  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      outcome();
    };
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      finish(() => reject(new Error(`load job ${kind} ran past ${timeoutMs} ms`)));
    }, timeoutMs);
    child.on('message', (message: FromLoad) => {
      if (message.type === 'ready') {
        (options.onReady ?? (async () => undefined))().then(
          () => child.send({ type: 'go' } satisfies ToLoad),
          (error: unknown) => {
            child.kill('SIGKILL');
            finish(() => reject(error as Error));
          },
        );
      } else if (message.type === 'result') finish(() => resolve(message.result as JobResult<K>));
      else finish(() => reject(new Error(`load job ${kind} failed: ${message.message}`)));
    });
    child.once('exit', (code) => finish(() => reject(new Error(`load job ${kind} exited (${code}) without a result`))));
    child.send({ type: 'job', kind, params } satisfies ToLoad);
  });
}
