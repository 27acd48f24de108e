import { spawn } from 'node:child_process';
import path from 'node:path';
import { PROJECT_ROOT, freePort } from './services';

/** Starts the bare Redis → WebSocket relay (ops/bench/anchors/ws-relay.ts) in its own process. */
export async function startRelay(channel: string) {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', path.join('ops', 'bench', 'anchors', 'ws-relay.ts'), String(port), channel], {
    cwd: PROJECT_ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('relay ready')) resolve();
    });
    void exited.then(() => reject(new Error('the relay exited before it was ready')));
  });
  return {
    url: `ws://127.0.0.1:${port}`,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
