import { expect } from 'chai';
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { BULK_BODY_LIMIT } from '../../api/routes/bulk-logs-routes';
import { SINGLE_EVENT_BODY_LIMIT } from '../../api/routes/logs-routes';
import { createTenant, tokenFor, validEvent } from '../support/fixtures';
import { testSystem, type TestSystem } from '../support/system';
import { waitFor } from '../support/wait-for';

const UPLOADS_PER_ROUTE = 30;
const CONCURRENCY = 10;

/** A JSON event (or bulk body) padded to exactly `bytes`: valid apart from its size. */
function oversizeBody(route: '/logs' | '/logs/bulk', bytes: number): Buffer {
  const shell = route === '/logs' ? validEvent({ message: '' }) : { logs: [validEvent({ message: '' })] };
  const text = JSON.stringify(shell);
  const padding = bytes - Buffer.byteLength(text);
  return Buffer.from(text.replace('"message":""', `"message":"${'x'.repeat(padding)}"`));
}

type Outcome = { kind: 'answered'; status: number; contentType: string; problemStatus: unknown } | { kind: 'failed'; code: string };

/** One upload with Node's fetch (undici), the whole body handed over at once or streamed chunked. */
async function upload(url: string, token: string, body: Buffer, chunked: boolean): Promise<Outcome> {
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: chunked ? new Blob([body]).stream() : body,
      ...(chunked ? { duplex: 'half' } : {}),
    } as RequestInit);
    const text = await response.text();
    let problemStatus: unknown;
    try {
      problemStatus = (JSON.parse(text) as { status?: unknown }).status;
    } catch {
      problemStatus = `not JSON: ${text.slice(0, 80)}`;
    }
    return { kind: 'answered', status: response.status, contentType: response.headers.get('content-type') ?? '', problemStatus };
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    return { kind: 'failed', code: cause?.code ?? cause?.message ?? (error as Error).message };
  }
}

async function inBatches<T>(tasks: (() => Promise<T>)[], size: number): Promise<T[]> {
  const results: T[] = [];
  for (let start = 0; start < tasks.length; start += size) results.push(...(await Promise.all(tasks.slice(start, start + size).map((task) => task()))));
  return results;
}

/** Everything the server sends on a raw socket, and whether (and when) it closed the connection. */
function rawClient(port: number) {
  const socket: Socket = connect(port, '127.0.0.1');
  let received = '';
  let closedAt: number | undefined;
  socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
  socket.on('error', () => undefined);
  socket.on('close', () => (closedAt = Date.now()));
  return { socket, received: () => received, closedAt: () => closedAt };
}

describe('attack: oversize bodies always get their 413, however the client sends them', function () {
  this.timeout(300_000);
  let system: TestSystem;
  let tenantId: string;
  let token: string;

  const countLogs = async () => (await system.ownerPool.query('SELECT count(*)::int AS n FROM logs WHERE tenant_id = $1', [tenantId])).rows[0].n as number;

  before(async () => {
    system = await testSystem();
    tenantId = await createTenant(system);
    token = tokenFor(system, 'user', tenantId);
  });

  it('answers every oversize upload from fetch, sent as fast as it can, with 413 problem+json and no reset', async () => {
    const uploads: (() => Promise<Outcome>)[] = [];
    for (let i = 0; i < UPLOADS_PER_ROUTE; i += 1) {
      // Sizes from just over the limit to many times it; every third one streamed without Content-Length.
      const single = oversizeBody('/logs', SINGLE_EVENT_BODY_LIMIT + 1 + i * 37 * 1024);
      const bulk = oversizeBody('/logs/bulk', BULK_BODY_LIMIT + 1 + i * 97 * 1024);
      uploads.push(() => upload(`${system.api.url}/api/v1/logs`, token, single, i % 3 === 2));
      uploads.push(() => upload(`${system.api.url}/api/v1/logs/bulk`, token, bulk, i % 3 === 2));
    }
    const outcomes = await inBatches(uploads, CONCURRENCY);
    const tally: Record<string, number> = {};
    for (const outcome of outcomes) {
      const key = outcome.kind === 'failed' ? `error ${outcome.code}` : `${outcome.status} ${outcome.contentType} status=${String(outcome.problemStatus)}`;
      tally[key] = (tally[key] ?? 0) + 1;
    }
    console.log(`      oversize uploads: ${outcomes.length} sent, outcomes ${JSON.stringify(tally)}`);
    expect(tally).to.deep.equal({ '413 application/problem+json status=413': UPLOADS_PER_ROUTE * 2 });
    expect(await countLogs()).to.equal(0);
  });

  it('cuts a client that never finishes its oversize body after a bounded time, having answered it 413', async () => {
    const port = Number(new URL(system.api.url).port);
    const started = Date.now();
    const client = rawClient(port);
    client.socket.write(
      `POST /api/v1/logs/bulk HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\nContent-Length: ${BULK_BODY_LIMIT * 4}\r\n\r\n{"logs":[`,
    );
    // A trickle that would last far longer than any drain allowance: a byte every 100 ms.
    const trickle = setInterval(() => client.socket.writable && client.socket.write('x'), 100);
    try {
      const closedAt = await waitFor('the server to close the trickling connection', () => client.closedAt(), { timeoutMs: 120_000, intervalMs: 100 });
      console.log(`      a trickling oversize upload was answered and cut after ${closedAt - started} ms`);
    } finally {
      clearInterval(trickle);
      client.socket.destroy();
    }
    expect(client.received()).to.match(/^HTTP\/1\.1 413 /);
    expect(client.received()).to.match(/content-type: application\/problem\+json/i);
    expect(await countLogs()).to.equal(0);
  });

  it('cuts a client that keeps streaming past the drain allowance, having answered it 413', async () => {
    const port = Number(new URL(system.api.url).port);
    const client = rawClient(port);
    client.socket.write(
      `POST /api/v1/logs HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`,
    );
    // Chunked with no end: the server cannot tell how much is coming, so only its own bounds stop it.
    const chunk = Buffer.alloc(256 * 1024, 'x');
    let sent = 0;
    const flood = async () => {
      while (client.closedAt() === undefined && client.socket.writable) {
        const more = client.socket.write(`${chunk.length.toString(16)}\r\n${chunk.toString()}\r\n`);
        sent += chunk.length;
        if (!more) await once(client.socket, 'drain', { signal: AbortSignal.timeout(1000) }).catch(() => undefined);
      }
    };
    const flooding = flood();
    try {
      await waitFor('the server to close the flooding connection', () => client.closedAt(), { timeoutMs: 120_000, intervalMs: 100 });
    } finally {
      client.socket.destroy();
      await flooding;
    }
    console.log(`      an endless chunked upload was answered and cut after ${(sent / 1024 / 1024).toFixed(1)} MiB`);
    expect(client.received()).to.match(/^HTTP\/1\.1 413 /);
    expect(await countLogs()).to.equal(0);
  });
});
