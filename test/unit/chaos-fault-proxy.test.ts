import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ReceiveMessageCommand, SendMessageBatchCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { expect } from 'chai';
import { isSqsSend, startFaultProxy, type FaultProxy, type FaultProxyOptions } from '../chaos/fault-proxy';
import { seededRandom } from '../chaos/seeded-random';

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A tiny upstream that records what reaches it and answers 200 with a header and a body naming the request. */
async function startUpstream() {
  const seen: Seen[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      seen.push({ method: req.method as string, url: req.url as string, headers: req.headers, body });
      const status = req.url?.startsWith('/missing') ? 404 : 200;
      res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0', 'x-upstream': 'yes' });
      res.end(req.headers['x-amz-target'] ? '{}' : JSON.stringify({ echoed: body, url: req.url }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { seen, port: (server.address() as AddressInfo).port, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** node:http rather than fetch, which does not let a caller choose the Host header (a signed request's). */
function rawRequest(url: string, method: string, headers: Record<string, string>, body: string) {
  return new Promise<{ status: number; headers: IncomingHttpHeaders; body: string }>((resolve, reject) => {
    const sent = request(url, { method, headers }, (answer) => {
      let text = '';
      answer.on('data', (chunk: Buffer) => (text += chunk.toString()));
      answer.on('end', () => resolve({ status: answer.statusCode as number, headers: answer.headers, body: text }));
    });
    sent.on('error', reject);
    sent.end(body);
  });
}

describe('chaos fault proxy', () => {
  let upstream: Awaited<ReturnType<typeof startUpstream>>;
  let proxy: FaultProxy | undefined;

  beforeEach(async () => {
    upstream = await startUpstream();
  });
  afterEach(async () => {
    await proxy?.close();
    proxy = undefined;
    await upstream.close();
  });

  const start = async (options: Omit<FaultProxyOptions, 'target'>) => {
    proxy = await startFaultProxy({ target: { host: '127.0.0.1', port: upstream.port }, ...options });
    return proxy;
  };

  it('faults about the configured share of eligible requests, and only those reach no upstream', async () => {
    const running = await start({ faultRate: 0.2, modes: ['error-status'], random: seededRandom(42).next });
    const total = 400;
    const statuses: number[] = [];
    for (let i = 0; i < total; i++) statuses.push((await fetch(`${running.url}/send/${i}`, { method: 'POST', body: `m${i}` })).status);
    const faulted = statuses.filter((status) => status === 503).length;
    // Binomial(400, 0.2): mean 80, standard deviation 8; four deviations either way.
    expect(faulted).to.be.within(48, 112);
    expect(statuses.filter((status) => status === 200)).to.have.length(total - faulted);
    expect(upstream.seen).to.have.length(total - faulted);
    expect(running.stats()).to.deep.include({ requests: total, eligible: total, faulted });
  });

  it('faults the third eligible request when chance has faulted none before it, then leaves it to chance again', async () => {
    // A source that never falls under the rate: only the guarantee can fault.
    const running = await start({ faultRate: 0.05, modes: ['error-status'], random: () => 0.99 });
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await fetch(`${running.url}/bulk/${i}`, { method: 'POST', body: `b${i}` })).status);
    expect(statuses).to.deep.equal([200, 200, 503, 200, 200, 200, 200, 200]);
    expect(running.stats()).to.deep.include({ requests: 8, eligible: 8, faulted: 1 });
  });

  it('passes requests the predicate does not select through untouched, even at a fault rate of 1', async () => {
    const running = await start({ faultRate: 1, eligible: (req) => req.headers['x-fault'] === 'yes' });
    const sent = await rawRequest(`${running.url}/missing?q=1`, 'PUT', { 'x-custom': 'kept', host: 'signed.example:1234' }, 'payload');
    expect(sent.status).to.equal(404);
    expect(sent.headers['x-upstream']).to.equal('yes');
    expect(JSON.parse(sent.body)).to.deep.equal({ echoed: 'payload', url: '/missing?q=1' });
    expect(upstream.seen).to.have.length(1);
    expect(upstream.seen[0]).to.deep.include({ method: 'PUT', url: '/missing?q=1', body: 'payload' });
    expect(upstream.seen[0]?.headers).to.include({ 'x-custom': 'kept', host: 'signed.example:1234' });
    expect(running.stats()).to.deep.include({ requests: 1, eligible: 0, faulted: 0 });
  });

  it('cuts the connection before forwarding in reset mode', async () => {
    const running = await start({ faultRate: 1, modes: ['reset'] });
    let failure: unknown;
    await fetch(`${running.url}/x`, { method: 'POST', body: 'lost' }).catch((error: unknown) => (failure = error));
    expect(failure).to.be.instanceOf(Error);
    expect(upstream.seen).to.have.length(0);
    expect(running.stats().byMode.reset).to.equal(1);
  });

  it('forwards, then cuts the connection before the answer in reset-after-forward mode', async () => {
    const running = await start({ faultRate: 1, modes: ['reset-after-forward'] });
    let failure: unknown;
    await fetch(`${running.url}/x`, { method: 'POST', body: 'acted on' }).catch((error: unknown) => (failure = error));
    expect(failure).to.be.instanceOf(Error);
    expect(upstream.seen.map((s) => s.body)).to.deep.equal(['acted on']);
    expect(running.stats().byMode['reset-after-forward']).to.equal(1);
  });

  it('selects exactly the sends the AWS SDK makes to SQS, and lets receives through', async () => {
    const running = await start({ faultRate: 1, modes: ['error-status'], eligible: isSqsSend });
    const sqs = new SQSClient({ region: 'us-east-1', endpoint: running.url, credentials: { accessKeyId: 'a', secretAccessKey: 'b' }, maxAttempts: 1 });
    const queueUrl = 'http://127.0.0.1:1/000000000000/q';
    try {
      const batch = await sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: [{ Id: '0', MessageBody: 'x' }] })).catch((error: unknown) => error);
      const single = await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'x' })).catch((error: unknown) => error);
      const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl }));
      expect(batch).to.have.nested.property('$metadata.httpStatusCode', 503);
      expect(single).to.have.nested.property('$metadata.httpStatusCode', 503);
      expect(received.Messages ?? []).to.deep.equal([]);
      expect(upstream.seen.map((s) => s.headers['x-amz-target'])).to.deep.equal(['AmazonSQS.ReceiveMessage']);
      expect(running.stats()).to.deep.include({ requests: 3, eligible: 2, faulted: 2 });
    } finally {
      sqs.destroy();
    }
  });

  it('forwards a delayed request intact', async () => {
    const running = await start({ faultRate: 1, modes: ['delay'], maxDelayMs: 50 });
    const answer = await fetch(`${running.url}/slow`, { method: 'POST', body: 'late but whole' });
    expect(await answer.json()).to.deep.equal({ echoed: 'late but whole', url: '/slow' });
    expect(running.stats().byMode.delay).to.equal(1);
  });

  it('fails every eligible request while an outage window is open, and none after it closes', async () => {
    const running = await start({ faultRate: 0 });
    const window = running.outage('error-status', 300);
    const during = await Promise.all([1, 2, 3].map((i) => fetch(`${running.url}/during/${i}`).then((answer) => answer.status)));
    await window;
    expect(during).to.deep.equal([503, 503, 503]);
    expect((await fetch(`${running.url}/after`)).status).to.equal(200);
    expect(upstream.seen.map((s) => s.url)).to.deep.equal(['/after']);
    expect(running.stats()).to.deep.include({ outages: 1, failedInOutages: { 'error-status': 3, stall: 0 } });
  });

  it('holds requests unanswered through a stall window, then cuts them', async () => {
    const running = await start({ faultRate: 0 });
    const window = running.outage('stall', 300);
    const stalled = fetch(`${running.url}/stalled`).then(
      () => 'answered',
      () => 'cut',
    );
    expect(await Promise.race([stalled, window.then(() => 'window closed')]), 'settled before the window closed').to.equal('window closed');
    expect(await stalled).to.equal('cut');
    expect(upstream.seen).to.have.length(0);
    expect(running.stats().failedInOutages.stall).to.equal(1);
  });

  it('stops faulting when the rate is set to 0', async () => {
    const running = await start({ faultRate: 1, modes: ['error-status'] });
    expect((await fetch(`${running.url}/a`)).status).to.equal(503);
    running.setFaultRate(0);
    expect((await fetch(`${running.url}/b`)).status).to.equal(200);
    expect(() => running.setFaultRate(1.5)).to.throw(/between 0 and 1/);
  });
});
