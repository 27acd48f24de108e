import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { createS3Client } from '../../adapters/s3/s3-client';
import type { Config } from '../../platform/config/config';
import { waitFor } from './wait-for';

const VERSITYGW = path.join(process.env.STACK_CACHE_DIR ?? path.join(homedir(), '.cache', 'audit-log-stack'), 'versitygw-1.7.0', 'versitygw');

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (!address || typeof address === 'string') throw new Error('no free port');
  return address.port;
}

/**
 * A versitygw of this test's own (free port, temp directory), so a test can take S3 down and bring
 * it back without touching the shared server. Objects survive a stop: the directory is kept until dispose.
 */
export async function startPrivateS3(config: Config) {
  const dir = await mkdtemp(path.join(tmpdir(), 'retention-s3-'));
  await Promise.all(['data', 'iam', 'meta'].map((sub) => mkdir(path.join(dir, sub))));
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const privateConfig: Config = { ...config, s3: { ...config.s3, endpoint } };
  let child: ChildProcess | undefined;
  let output = '';

  async function start() {
    child = spawn(
      VERSITYGW,
      ['--port', `127.0.0.1:${port}`, '--health', '/health', '--quiet', '--iam-dir', path.join(dir, 'iam'), 'posix', '--sidecar', path.join(dir, 'meta'), path.join(dir, 'data')],
      { env: { ...process.env, ROOT_ACCESS_KEY: config.s3.credentials?.accessKeyId, ROOT_SECRET_KEY: config.s3.credentials?.secretAccessKey }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await waitFor(`the private versitygw on ${endpoint}`, async () => (await fetch(`${endpoint}/health`)).ok, { timeoutMs: 30_000 }).catch((error: Error) => {
      throw new Error(`${error.message}; its output: ${output}`);
    });
  }

  async function stop() {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill('SIGKILL');
    await exited;
  }

  await start();
  const s3 = createS3Client(privateConfig.s3);
  try {
    await s3.send(new CreateBucketCommand({ Bucket: config.s3.bucket }));
  } finally {
    s3.destroy();
  }

  return {
    endpoint,
    /** The service configuration with S3 pointed at this server. */
    config: privateConfig,
    start,
    stop,
    async dispose() {
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export type PrivateS3 = Awaited<ReturnType<typeof startPrivateS3>>;
