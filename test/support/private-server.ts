import { spawn, type ChildProcess } from 'node:child_process';
import { homedir } from 'node:os';
import path from 'node:path';
import { waitFor } from './wait-for';

/** Where ops/stack/ caches the servers' binaries (ops/stack/lib.sh): private servers run the very same builds. */
export const STACK_CACHE_DIR = process.env.STACK_CACHE_DIR ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(homedir(), '.cache'), 'audit-log-stack');

export interface ServerCommand {
  /** Names the server in errors. */
  name: string;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  /** True once the server serves requests. */
  healthy(): Promise<boolean>;
  startTimeoutMs: number;
}

/**
 * One server process of a test's own that the test may stop and start again, as an operator would:
 * `stop` sends SIGTERM (SIGKILL if it lingers) and waits for the exit; `start` waits until healthy.
 * Output is kept, to explain a server that never became healthy.
 */
export function privateServer(spec: ServerCommand) {
  let child: ChildProcess | undefined;
  let output = '';

  async function start(): Promise<void> {
    if (child) throw new Error(`${spec.name} is already running`);
    const started = spawn(spec.command, spec.args, { env: { ...process.env, ...spec.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    child = started;
    const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000));
    started.stdout?.on('data', keep);
    started.stderr?.on('data', keep);
    started.once('error', (error) => (output += `\nspawn failed: ${error.message}`));
    const exitedEarly = new Promise<never>((_, reject) => started.once('exit', (code, signal) => reject(new Error(`it exited (${code ?? signal})`))));
    exitedEarly.catch(() => undefined);
    try {
      await Promise.race([waitFor(`the private ${spec.name} to serve`, () => spec.healthy(), { timeoutMs: spec.startTimeoutMs, intervalMs: 250 }), exitedEarly]);
    } catch (error) {
      await stop();
      throw new Error(`the private ${spec.name} did not start: ${(error as Error).message}; its last output: ${output.slice(-3000)}`, { cause: error });
    }
  }

  async function stop(): Promise<void> {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()));
    running.kill('SIGTERM');
    const lingering = setTimeout(() => running.kill('SIGKILL'), 30_000);
    await exited;
    clearTimeout(lingering);
  }

  return { start, stop, output: () => output };
}

/** True when `url` answers 2xx within a second. */
export async function answersOk(url: string): Promise<boolean> {
  try {
    return (await fetch(url, { signal: AbortSignal.timeout(1000) })).ok;
  } catch {
    return false;
  }
}
