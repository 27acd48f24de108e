import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Pool } from 'pg';
import type { OpenSearchClient } from '../../../adapters/opensearch/opensearch-client';

const run = promisify(execFile);

export interface MachineInfo {
  date: string;
  nproc: number;
  memoryGiB: number;
  cpuModel: string;
  loadAverage: number[];
  /** The commit measured, and whether the work tree differed from it. */
  commit: string;
  versions: { node: string; postgresql: string; opensearch: string; temporalCli: string };
}

/** The CLI the stack built (cached as temporal-<version>/temporal), with what the binary says of itself. */
async function temporalCliVersion(): Promise<string> {
  const cache = process.env.STACK_CACHE_DIR ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'audit-log-stack');
  const built = (await readdir(cache).catch(() => [] as string[])).find((name) => name.startsWith('temporal-'));
  if (!built) return 'unknown';
  const says = await run(path.join(cache, built, 'temporal'), ['--version']).then((r) => r.stdout.trim(), () => 'no --version');
  return `CLI ${built.slice('temporal-'.length)} (${says})`;
}

/** `git describe`-like: the HEAD commit, marked when tracked files differ from it (figures of uncommitted code). */
async function measuredCommit(): Promise<string> {
  const head = await run('git', ['rev-parse', 'HEAD']).then((r) => r.stdout.trim(), () => 'unknown (not a git checkout)');
  const dirty = await run('git', ['status', '--porcelain', '--untracked-files=no']).then((r) => r.stdout.trim() !== '', () => false);
  return dirty ? `${head} with uncommitted changes` : head;
}

/** Where and with what the figures were measured. */
export async function describeMachine(pool: Pool, opensearch: OpenSearchClient): Promise<MachineInfo> {
  const cpuinfo = await readFile('/proc/cpuinfo', 'utf8').catch(() => '');
  const model = /model name\s*:\s*(.+)/.exec(cpuinfo)?.[1] ?? os.cpus()[0]?.model ?? 'unknown';
  const pg = await pool.query<{ server_version: string }>('SHOW server_version');
  const info = await opensearch.info();
  return {
    date: new Date().toISOString(),
    nproc: os.availableParallelism(),
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    cpuModel: model.trim(),
    loadAverage: os.loadavg().map((load) => Math.round(load * 100) / 100),
    commit: await measuredCommit(),
    versions: {
      node: process.version,
      postgresql: pg.rows[0]?.server_version ?? 'unknown',
      opensearch: (info.body as { version?: { number?: string } }).version?.number ?? 'unknown',
      temporalCli: await temporalCliVersion(),
    },
  };
}
