import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { Socket } from 'node:net';
import path from 'node:path';
import { createTenant, tokenFor, validEvent } from '../support/fixtures';
import { freePort } from '../support/private-redis';
import { testSystem, type TestSystem } from '../support/system';
import { waitFor } from '../support/wait-for';

const ROOT = path.resolve(__dirname, '..', '..');

/** A raw HTTP/1.1 connection, so the test controls exactly when each byte of the request is sent. */
function rawConnection(port: number) {
  const socket = new Socket();
  let received = '';
  let ended = false;
  socket.on('data', (chunk: Buffer) => (received += chunk.toString('utf8')));
  socket.on('end', () => (ended = true));
  socket.on('close', () => (ended = true));
  return {
    connect: () => new Promise<void>((resolve, reject) => socket.once('error', reject).connect(port, '127.0.0.1', () => resolve())),
    write: (text: string) => socket.write(text),
    received: () => received,
    ended: () => ended,
    destroy: () => socket.destroy(),
  };
}

const refusesConnections = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = new Socket();
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
    socket.connect(port, '127.0.0.1');
  });

describe('platform: graceful shutdown of the API process', function () {
  this.timeout(120_000);
  let system: TestSystem;
  let child: ChildProcess | undefined;

  before(async () => {
    system = await testSystem();
  });

  afterEach(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
  });

  it('on SIGTERM stops accepting, completes the request in flight, then exits 0', async () => {
    const tenantId = await createTenant(system);
    const token = tokenFor(system, 'user', tenantId);
    const port = await freePort();
    let output = '';
    const spawned = spawn(process.execPath, ['--import', 'tsx', 'api/server.ts'], {
      cwd: ROOT,
      env: { ...process.env, PORT: String(port), LOG_LEVEL: 'info', SHUTDOWN_GRACE_MS: '20000' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = spawned;
    spawned.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    spawned.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    const exited = new Promise<number | null>((resolve) => spawned.once('exit', (code) => resolve(code)));

    await waitFor('the API process to listen', async () => (await fetch(`http://127.0.0.1:${port}/healthz`)).status === 200, { timeoutMs: 60_000, intervalMs: 200 });

    // Headers now, body later: `Expect: 100-continue` tells us when the server holds the request.
    const body = JSON.stringify(validEvent({ message: 'sent across a shutdown' }));
    const slow = rawConnection(port);
    await slow.connect();
    slow.write(
      `POST /api/v1/logs HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: Bearer ${token}\r\n` +
        `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nExpect: 100-continue\r\n\r\n`,
    );
    await waitFor('100 Continue', () => slow.received().startsWith('HTTP/1.1 100 Continue'), { timeoutMs: 10_000, intervalMs: 20 });
    slow.write(body.slice(0, 10));

    spawned.kill('SIGTERM');
    await waitFor('the server to stop accepting connections', () => refusesConnections(port), { timeoutMs: 10_000, intervalMs: 20 });
    expect(spawned.exitCode, 'still draining').to.equal(null);

    slow.write(body.slice(10));
    await waitFor('the response to the request in flight', () => slow.ended() && slow.received());
    const response = slow.received().replace(/^HTTP\/1\.1 100 Continue\r\n\r\n/, '');
    expect(response, response).to.match(/^HTTP\/1\.1 201 Created\r\n/);
    const posted = JSON.parse(response.slice(response.indexOf('\r\n\r\n') + 4)) as { id: string };
    const stored = await system.ownerPool.query('SELECT message FROM logs WHERE tenant_id = $1 AND id = $2', [tenantId, posted.id]);
    expect(stored.rows).to.deep.equal([{ message: 'sent across a shutdown' }]);

    expect(await exited, output).to.equal(0);
    expect(output).to.contain('"msg":"shutting down"');
    expect(output).to.contain('"msg":"API stopped"');
    expect(output).not.to.contain('cut off');
  });
});
