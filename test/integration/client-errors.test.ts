import { expect } from 'chai';
import { connect } from 'node:net';
import { testSystem, type TestSystem } from '../support/system';

/** Sends raw bytes and returns everything the server answers before it closes the connection. */
function rawExchange(url: string, request: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.end(request));
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

function parse(response: string) {
  const [head = '', body = ''] = response.split('\r\n\r\n');
  return { statusLine: head.split('\r\n')[0], headers: head.toLowerCase(), body: JSON.parse(body) as Record<string, unknown> };
}

describe('requests Node refuses before the application sees them', function () {
  this.timeout(30_000);
  let system: TestSystem;

  before(async () => {
    system = await testSystem();
  });

  it('answers oversized headers with a readable 431 problem, not a reset connection', async () => {
    const response = parse(await rawExchange(system.api.url, `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`));
    expect(response.statusLine).to.equal('HTTP/1.1 431 Request Header Fields Too Large');
    expect(response.headers).to.contain('content-type: application/problem+json');
    expect(response.body).to.include({ status: 431, title: 'Request Header Fields Too Large' });
  });

  it('answers bytes that are not HTTP with a 400 problem', async () => {
    const response = parse(await rawExchange(system.api.url, 'NOT HTTP AT ALL\r\n\r\n'));
    expect(response.statusLine).to.equal('HTTP/1.1 400 Bad Request');
    expect(response.body).to.include({ status: 400 });
    expect(response.body.request_id).to.be.a('string');
  });
});
