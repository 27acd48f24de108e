import { spawn } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import path from 'node:path';
import { httpClient, type HttpClient } from './http-client';
import { waitFor } from './wait-for';

const PROJECT_ROOT = path.resolve(__dirname, '..', '..');

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface ApiProcess {
  url: string;
  http: HttpClient;
  output(): string;
  stop(): Promise<void>;
}

/**
 * The API as its own process (`node --import tsx api/server.ts`, the real entry point) with this test
 * run's environment plus `env`, resolved once it answers /healthz: a replica as production runs it.
 */
export async function spawnApiProcess(env: Record<string, string> = {}): Promise<ApiProcess> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, ['--import', 'tsx', 'api/server.ts'], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, LOG_LEVEL: 'warn', ...env, PORT: String(port) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let output = '';
  child.stderr.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-8000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 15_000))]);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  try {
    await Promise.race([
      waitFor('the API process to listen', async () => (await fetch(`${url}/healthz`)).status === 200, { timeoutMs: 180_000, intervalMs: 250 }),
      exited.then(() => {
        throw new Error(`the API process exited before it listened: ${output}`);
      }),
    ]);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, http: httpClient(url), output: () => output, stop };
}
