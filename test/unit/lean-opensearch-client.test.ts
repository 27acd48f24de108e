import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { expect } from 'chai';
import { errors } from '@opensearch-project/opensearch';
import { createLeanOpenSearchClient, type LeanOpenSearchClient } from '../../adapters/opensearch/lean-opensearch-client';
import { createOpenSearchClient } from '../../adapters/opensearch/opensearch-client';

interface Seen {
  method: string | undefined;
  url: string | undefined;
  headers: IncomingMessage['headers'];
  body: string;
}

/** A stand-in node that records every request and answers each as `answer` says. */
async function recordingNode(answer: (request: IncomingMessage) => { status: number; body: string }): Promise<{ server: Server; url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      seen.push({ method: request.method, url: request.url, headers: request.headers, body: Buffer.concat(chunks).toString() });
      const { status, body } = answer(request);
      response.writeHead(status, { 'content-type': 'application/json' }).end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://elastic:se%40cret@127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

/** Every call the service makes, with the arguments it makes them with. */
async function everyCall(client: LeanOpenSearchClient): Promise<unknown[]> {
  const index = 'audit-logs';
  const answers = [
    await client.search({ index, routing: 't1', size: 2, body: { query: { term: { tenant_id: 't1' } }, sort: [{ timestamp: 'desc' }] } }),
    await client.search({ index, routing: 't1', scroll: '1m', size: 100, body: { query: { match_all: {} }, _source: false } }),
    await client.scroll({ scroll_id: 'abc', scroll: '1m' }),
    await client.clearScroll({ scroll_id: 'abc' }),
    await client.count({ index, routing: 't1', body: { query: { term: { tenant_id: 't1' } } } }),
    await client.bulk({ body: [{ index: { _index: index, _id: '1', routing: 't1' } }, { message: 'é' }], refresh: false }),
    await client.deleteByQuery({ index, routing: 't1', conflicts: 'proceed', refresh: true, body: { query: { match_all: {} } } }),
    await client.indices.putIndexTemplate({ name: `${index}-template`, body: { index_patterns: [index] } as never }),
    await client.indices.exists({ index }),
    await client.indices.create({ index }),
    await client.indices.refresh({ index }),
    await client.cluster.health({ timeout: '1s' }),
  ];
  return answers.map((answer) => {
    const { body, statusCode, headers, warnings } = answer as { body: unknown; statusCode: number; headers: Record<string, unknown>; warnings: unknown };
    const { date: _date, ...stableHeaders } = headers;
    return { body, statusCode, headers: stableHeaders, warnings };
  });
}

describe('the lean OpenSearch client sends what the package Client sends', () => {
  let node: Awaited<ReturnType<typeof recordingNode>>;
  let failing: Awaited<ReturnType<typeof recordingNode>>;
  before(async () => {
    node = await recordingNode((request) => ({ status: 200, body: JSON.stringify({ acknowledged: true, path: request.url }) }));
    failing = await recordingNode(() => ({ status: 503, body: JSON.stringify({ error: { type: 'no_shard_available_action_exception' }, status: 503 }) }));
  });
  after(() => {
    node.server.close();
    failing.server.close();
  });

  it('the same requests (method, path, query, headers, body) and the same answers for every call the service makes', async () => {
    const full = createOpenSearchClient(node.url);
    const lean = createLeanOpenSearchClient(node.url);
    const fullAnswers = await everyCall(full);
    const fullSeen = node.seen.splice(0);
    const leanAnswers = await everyCall(lean);
    const leanSeen = node.seen.splice(0);
    await Promise.all([full.close(), lean.close()]);
    expect(leanSeen).to.have.length(12);
    expect(leanSeen[0]?.headers.authorization).to.equal(`Basic ${Buffer.from('elastic:se@cret').toString('base64')}`);
    expect(leanSeen).to.deep.equal(fullSeen);
    expect(leanAnswers).to.deep.equal(fullAnswers);
  });

  it('the same retries and error classes when the node answers 503', async () => {
    const caught = async (client: LeanOpenSearchClient) => {
      const error = await client.search({ index: 'audit-logs', body: { query: { match_all: {} } } }).then(
        () => undefined,
        (e: unknown) => e,
      );
      return { error, requests: failing.seen.splice(0).length };
    };
    const full = await caught(createOpenSearchClient(failing.url));
    const lean = await caught(createLeanOpenSearchClient(failing.url));
    expect(lean.error).to.be.instanceOf(errors.ResponseError);
    expect((lean.error as InstanceType<typeof errors.ResponseError>).statusCode).to.equal(503);
    // 1 try + maxRetries (2): the Transport retries a 503 as the Client's does.
    expect(lean.requests).to.equal(3);
    expect(lean.requests).to.equal(full.requests);
    expect((lean.error as Error).message).to.equal((full.error as Error).message);
  });

  it('keeps no request body once the request is answered: a pooled socket does not hold its first _bulk', async () => {
    setFlagsFromString('--expose-gc');
    const collect = runInNewContext('gc') as () => void;
    const lean = createLeanOpenSearchClient(node.url);
    let documents: WeakRef<object>[] = [];
    const bulk = async () => {
      const body = Array.from({ length: 50 }, (_, n) => [{ index: { _index: 'audit-logs', _id: String(n), routing: 't1' } }, { message: 'x'.repeat(10_000) }]).flat();
      documents = body.map((item) => new WeakRef(item));
      await lean.bulk({ body, refresh: false });
    };
    await bulk();
    node.seen.splice(0);
    for (let round = 0; round < 3 && documents.some((ref) => ref.deref() !== undefined); round += 1) {
      await new Promise((resolve) => setImmediate(resolve));
      collect();
    }
    const kept = documents.filter((ref) => ref.deref() !== undefined).length;
    await lean.close();
    // The package's Connection handed `bulkBody` to http.request, and the Agent kept it with the socket.
    expect(kept).to.equal(0);
  });

  it('a missing required parameter is refused as the Client refuses it', async () => {
    const lean = createLeanOpenSearchClient(node.url);
    const error = await lean.indices.exists({} as never).then(
      () => undefined,
      (e: unknown) => e,
    );
    await lean.close();
    expect(error).to.be.instanceOf(errors.ConfigurationError);
    expect((error as Error).message).to.equal('Missing required parameter: index');
  });
});
