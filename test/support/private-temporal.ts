import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { freePort } from './private-redis';
import { privateServer, STACK_CACHE_DIR } from './private-server';

const TEMPORAL = path.join(STACK_CACHE_DIR, 'temporal-1.5.1', 'temporal');

async function serving(address: string): Promise<boolean> {
  let connection: Connection | undefined;
  try {
    connection = await Connection.connect({ address, connectTimeout: 1000 });
    const { status } = await connection.healthService.check({});
    return status === 1;
  } catch {
    return false;
  } finally {
    await connection?.close().catch(() => undefined);
  }
}

/**
 * A Temporal dev server of a test's own (the stack's CLI build, same search attributes), on free
 * ports, headless, with its SQLite state in a temp directory that survives stop/start until dispose.
 */
export async function startPrivateTemporal(namespace = 'default') {
  const dir = await mkdtemp(path.join(tmpdir(), 'outage-temporal-'));
  const [port, httpPort, metricsPort] = [await freePort(), await freePort(), await freePort()];
  const address = `127.0.0.1:${port}`;
  const server = privateServer({
    name: `temporal on ${address}`,
    command: TEMPORAL,
    args: [
      'server', 'start-dev', '--headless', '--ip', '127.0.0.1', '--port', String(port),
      '--http-port', String(httpPort), '--metrics-port', String(metricsPort),
      '--db-filename', path.join(dir, 'temporal.sqlite'), '--namespace', namespace,
      '--search-attribute', 'TenantId=KeywordList', '--search-attribute', 'TaskId=KeywordList', '--search-attribute', 'TaskType=Keyword',
      '--log-level', 'error', '--disable-config-file', '--disable-config-env',
    ],
    healthy: () => serving(address),
    // A restart under a busy machine's load has taken over 90 s.
    startTimeoutMs: 240_000,
  });
  await server.start();
  return {
    address,
    start: server.start,
    stop: server.stop,
    async dispose() {
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export type PrivateTemporal = Awaited<ReturnType<typeof startPrivateTemporal>>;
