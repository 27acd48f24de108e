import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import path from 'node:path';
import { waitFor } from '../support/wait-for';
import { PROJECT_ROOT, type Environment } from './chaos-sandbox';

/** How the harness knows a freshly started process is serving: an HTTP probe, or a line it logs. */
export type Readiness = { kind: 'http'; url: string } | { kind: 'log-line'; text: string };

export interface ServiceDefinition {
  name: string;
  /** Entry point run as `node --import tsx <entry>`, like ops/stack/app.sh runs the service. */
  entry: string;
  env: Environment;
  readiness: Readiness;
  logDir: string;
  readyTimeoutMs?: number;
}

export interface UnexpectedExit {
  service: string;
  how: string;
  tail: string;
}

const TAIL_BYTES = 16 * 1024;

/** A promise settled from outside: open while the process serves, replaced when it dies. */
interface Gate {
  promise: Promise<void>;
  settled: boolean;
  open(): void;
  fail(error: unknown): void;
}

function closedGate(): Gate {
  let open!: () => void;
  let fail!: (error: unknown) => void;
  const promise = new Promise<void>((resolve, reject) => {
    open = resolve;
    fail = reject;
  });
  promise.catch(() => undefined);
  const gate: Gate = {
    promise,
    settled: false,
    open: () => {
      gate.settled = true;
      open();
    },
    fail: (error) => {
      gate.settled = true;
      fail(error);
    },
  };
  return gate;
}

/**
 * One service process that the chaos harness can SIGKILL and start again. Its output goes to
 * `<logDir>/<name>.log` across restarts; an exit the harness did not cause is recorded and the
 * process is started again, as a supervisor would.
 */
export class ServiceProcess {
  starts = 0;
  kills = 0;
  readonly unexpectedExits: UnexpectedExit[] = [];
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private gate: Gate = closedGate();
  /** The latest incarnation's output, for error messages. */
  private tail = '';
  private stopping = false;
  private readonly log: WriteStream;

  constructor(private readonly definition: ServiceDefinition) {
    this.log = createWriteStream(path.join(definition.logDir, `${definition.name}.log`), { flags: 'a' });
  }

  get name(): string {
    return this.definition.name;
  }

  get logFile(): string {
    return path.join(this.definition.logDir, `${this.definition.name}.log`);
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Resolves once an incarnation is serving (at once if one is); rejects if the next one fails to start. */
  whenReady(): Promise<void> {
    return this.gate.promise;
  }

  start(): Promise<void> {
    this.starts += 1;
    if (this.gate.settled) this.gate = closedGate();
    const gate = this.gate;
    const child = spawn(process.execPath, ['--import', 'tsx', this.definition.entry], { cwd: PROJECT_ROOT, env: this.definition.env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    this.log.write(`\n=== ${new Date().toISOString()} start #${this.starts} pid ${child.pid}\n`);
    const output = { text: '' };
    const record = (chunk: Buffer) => {
      this.log.write(chunk);
      output.text = (output.text + chunk.toString()).slice(-TAIL_BYTES);
      this.tail = output.text;
    };
    child.stdout?.on('data', record);
    child.stderr?.on('data', record);
    let becameReady = false;
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        this.log.write(`=== exit pid ${child.pid}: ${signal ?? code}\n`);
        if (this.child === child) this.child = undefined;
        if (this.gate.settled) this.gate = closedGate();
        if (!this.stopping && signal !== 'SIGKILL') this.onUnexpectedExit(`${signal ?? `code ${code}`}`, output.text, becameReady);
        resolve();
      }),
    );
    const exitedFirst = this.exited.then(() => {
      throw new Error(`${this.name} exited before it was ready:\n${output.text.slice(-4000)}`);
    });
    const ready = Promise.race([this.awaitReadiness(child, output), exitedFirst]).then(() => {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${this.name} exited before it was ready:\n${output.text.slice(-4000)}`);
      becameReady = true;
    });
    ready.then(gate.open, gate.fail);
    return ready;
  }

  /** SIGKILL, the way a machine dies: no shutdown hook runs. Resolves when the process is gone. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.kills += 1;
    child.kill('SIGKILL');
    await this.exited;
  }

  /** A graceful stop (SIGTERM) at the end of a run, SIGKILL if it overruns `graceMs`. */
  async stop(graceMs = 20_000): Promise<void> {
    this.stopping = true;
    const child = this.child;
    if (child) {
      child.kill('SIGTERM');
      const overrun = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await this.exited;
      clearTimeout(overrun);
    }
    this.log.end();
  }

  /** For a last-resort cleanup when the test process exits: synchronous, no waiting. */
  killNow(): void {
    this.stopping = true;
    this.child?.kill('SIGKILL');
  }

  outputTail(): string {
    return this.tail;
  }

  /** A crash while serving is restarted, as a supervisor would; one during start-up is left for whenReady() to report. */
  private onUnexpectedExit(how: string, output: string, wasReady: boolean) {
    this.unexpectedExits.push({ service: this.name, how, tail: output.slice(-4000) });
    if (wasReady) this.start().catch(() => undefined);
  }

  private async awaitReadiness(child: ChildProcess, output: { text: string }): Promise<void> {
    const { readiness, readyTimeoutMs = 180_000 } = this.definition;
    await waitFor(
      `${this.name} (pid ${child.pid}) to be ready`,
      async () => {
        if (child.exitCode !== null || child.signalCode !== null) return true;
        if (readiness.kind === 'log-line') return output.text.includes(readiness.text);
        const response = await fetch(readiness.url, { signal: AbortSignal.timeout(2000) });
        await response.body?.cancel();
        return response.status === 200;
      },
      { timeoutMs: readyTimeoutMs, intervalMs: 100 },
    );
  }
}
