import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';

export const PROJECT_ROOT = path.resolve(__dirname, '..', '..', '..');

/** The service's own processes: their entries in the sources (the build holds each as `.js`). */
export const SERVICE_ENTRIES = {
  api: 'api/server.ts',
  'temporal-worker': 'workers/temporal-worker.ts',
  'task-bridge': 'workers/task-bridge.ts',
  'outbox-relay': 'workers/outbox-relay.ts',
  /** The bridge and the relay in one process, as `npm run up` runs them; the bench runs them apart so a scenario can stop one. */
  'task-delivery': 'workers/task-delivery.ts',
  /** The worker, the bridge and the relay in one process: what `npm run up` runs by default (BACKGROUND_PROCESS=combined). */
  background: 'workers/background.ts',
} as const;

export type ServiceName = keyof typeof SERVICE_ENTRIES;

/** What shows in a process's JSON log once it is ready for work. */
const READY_MESSAGES: Record<ServiceName, string> = {
  api: 'API listening',
  'temporal-worker': 'Temporal worker ready',
  'task-bridge': 'task bridge consuming',
  'outbox-relay': 'outbox relay started',
  'task-delivery': 'outbox relay started',
  background: 'background process ready',
};

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** A service process exited without being stopped: whatever was being measured is void. */
export class ServiceCrashError extends Error {}

interface Running {
  child: ChildProcess;
  exited: Promise<void>;
}

/** How to launch: from source through tsx (the default), or from the compiled build as `npm run up` does. */
export interface Launch {
  /** The build directory (e.g. `dist`): entries run as its `.js` files, without tsx. */
  build?: string;
  /** Node flags per process, before the entry point (e.g. the heap limits of ops/stack/app.sh). */
  flags?: Partial<Record<ServiceName, readonly string[]>>;
}

/** Asks ops/stack/app.sh itself (the processes `npm run up` starts, their node flags), so the two stay one. */
export function fromAppSh(command: string): string[] {
  const script = `source ops/stack/lib.sh; source ops/stack/app.sh; ${command}`;
  return execFileSync('bash', ['-c', script], { cwd: PROJECT_ROOT, encoding: 'utf8' }).trim().split(/\s+/).filter(Boolean);
}

/**
 * How `npm run up` runs the service: from the build (`dist/`, see ensure_service_build), each process
 * with app.sh's node flags, the workflows from the prebuilt bundle. From source through tsx the
 * worker's heap at rest is ~65 MB instead of ~38 MB (the transpiled sources and their source
 * maps), and every full GC marks it: a benchmark of that measures a process users never run.
 */
export function productionLaunch(): { launch: Launch; env: Record<string, string> } {
  const names = Object.keys(SERVICE_ENTRIES) as ServiceName[];
  return {
    launch: { build: 'dist', flags: Object.fromEntries(names.map((name) => [name, fromAppSh(`app_node_flags ${name}`)])) },
    env: { TEMPORAL_WORKFLOW_BUNDLE: path.join(PROJECT_ROOT, 'dist', 'workflow-bundle.js') },
  };
}

function commandOf(name: ServiceName, nodeArgs: readonly string[], launch: Launch): string[] {
  const flags = [...nodeArgs, ...(launch.flags?.[name] ?? [])];
  if (launch.build) return [...flags, path.join(launch.build, SERVICE_ENTRIES[name].replace(/\.ts$/, '.js'))];
  return [...flags, '--import', 'tsx', SERVICE_ENTRIES[name]];
}

/**
 * Starts and stops the service processes of one bench run. Every process inherits the sandbox's
 * environment plus `env` (port, raised limits); logs go to `logDir/<name>.log`. `nodeArgs` go
 * before the entry point (e.g. `--cpu-prof`).
 */
export function createServiceSet(env: Record<string, string>, logDir: string, nodeArgs: readonly string[] = [], launch: Launch = {}) {
  const running = new Map<ServiceName, Running>();
  mkdirSync(logDir, { recursive: true });
  /** Processes that exited without being stopped: a dead worker stalls the pipeline, and every wait would run into its timeout. */
  const crashes: string[] = [];
  let reportCrash: (message: string) => void = () => undefined;
  /** Rejects at the first process that exits without being stopped. */
  const crashed = new Promise<never>((_, reject) => {
    reportCrash = (message) => reject(new ServiceCrashError(message));
  });
  crashed.catch(() => undefined);

  /** `overrides` go over the set's environment for this start only (e.g. a switch a scenario compares). */
  async function start(name: ServiceName, timeoutMs = 240_000, overrides: Record<string, string> = {}): Promise<void> {
    if (running.has(name)) return;
    const log = createWriteStream(path.join(logDir, `${name}.log`), { flags: 'a' });
    const child = spawn(process.execPath, commandOf(name, nodeArgs, launch), {
      cwd: PROJECT_ROOT,
      // `info` so the ready line is printed; the processes log little per request at that level.
      env: { ...process.env, ...env, ...overrides, LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let seen = '';
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    running.set(name, { child, exited });
    child.once('exit', (code, signal) => {
      // stop() forgets a process before it signals it: one still listed here died by itself.
      if (running.get(name)?.child !== child) return;
      running.delete(name);
      const fatal = /^.*(FATAL ERROR|Error:).*$/m.exec(seen)?.[0]?.trim();
      const message = `${name} exited by itself (${signal ?? `code ${code}`})${fatal ? `: ${fatal}` : ''}; see ${logDir}/${name}.log`;
      crashes.push(message);
      console.error(`[bench] ${message}`);
      reportCrash(message);
    });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${name} not ready after ${timeoutMs} ms (see ${logDir}/${name}.log)`)), timeoutMs);
      const onData = (chunk: Buffer) => {
        log.write(chunk);
        // The start (ready line) and the latest output (a fatal error) are what is looked for.
        seen = seen.length < 1_000_000 ? seen + chunk.toString() : seen.slice(-100_000) + chunk.toString();
        if (seen.includes(READY_MESSAGES[name])) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', onData);
      void exited.then(() => {
        clearTimeout(timer);
        reject(new Error(`${name} exited before it was ready (see ${logDir}/${name}.log)`));
      });
    });
  }

  async function stop(name: ServiceName): Promise<void> {
    const entry = running.get(name);
    if (!entry) return;
    running.delete(name);
    if (entry.child.exitCode === null && entry.child.signalCode === null) entry.child.kill('SIGTERM');
    const killer = setTimeout(() => entry.child.kill('SIGKILL'), 30_000);
    await entry.exited;
    clearTimeout(killer);
  }

  return {
    start,
    stop,
    pid: (name: ServiceName) => running.get(name)?.child.pid,
    /** What exited by itself so far, one message each. */
    crashes: (): readonly string[] => crashes,
    /** Rejects (ServiceCrashError) as soon as a process exits by itself. */
    crashed,
    async startAll(): Promise<void> {
      // The API first, alone: the worker's workflow bundling would otherwise slow its start-up.
      await start('api');
      await Promise.all([start('temporal-worker'), start('task-bridge'), start('outbox-relay')]);
    },
    async stopAll(): Promise<void> {
      await Promise.all([...running.keys()].map(stop));
    },
  };
}

export type ServiceSet = ReturnType<typeof createServiceSet>;

/** Resident memory of a process in bytes, read from /proc (Linux only). */
export async function residentBytes(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const match = /VmRSS:\s+(\d+) kB/.exec(status);
  return match ? Number(match[1]) * 1024 : Number.NaN;
}

/**
 * Anonymous resident memory of a process in bytes (Linux only): RSS less the file pages it maps,
 * chiefly the node binary's code (~48 MiB in each process), which the kernel keeps once for all.
 */
export async function anonymousBytes(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const match = /RssAnon:\s+(\d+) kB/.exec(status);
  return match ? Number(match[1]) * 1024 : Number.NaN;
}
