import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import Koa from 'koa';
import { errors } from '@opensearch-project/opensearch';
import { isDependencyUnavailable, unavailableDetail } from '../../api/dependency-errors';
import { problemHandler } from '../../api/middleware/problem-handler';

const meta = (statusCode: number, type: string) =>
  ({ body: { error: { type, root_cause: [{ type, reason: 'x' }] }, status: statusCode }, statusCode, headers: {}, meta: {} }) as never;

/** The answer a client gets when a route throws `error`. */
async function answerTo(error: unknown): Promise<{ status: number; type: string | null; body: Record<string, unknown> }> {
  const app = new Koa();
  app.silent = true;
  app.use((ctx, next) => {
    ctx.state.requestId = 'test';
    return next();
  });
  app.use(problemHandler());
  app.use(() => {
    throw error;
  });
  const server = createServer(app.callback());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    return { status: response.status, type: response.headers.get('content-type'), body: (await response.json()) as Record<string, unknown> };
  } finally {
    server.close();
  }
}

describe('an unavailable search engine is a 503 naming it, never a 500', () => {
  const unavailable = [
    ['unreachable', new errors.ConnectionError('connect ECONNREFUSED 127.0.0.1:9200')],
    ['no node alive', new errors.NoLivingConnectionsError('There are no living connections', {} as never)],
    ['timed out', new errors.TimeoutError('Request timed out', {} as never)],
    ['shards still recovering (503)', new errors.ResponseError(meta(503, 'no_shard_available_action_exception'))],
    ['search queue full (429)', new errors.ResponseError(meta(429, 'rejected_execution_exception'))],
  ] as const;

  for (const [situation, error] of unavailable) {
    it(`answers 503 problem+json when OpenSearch is ${situation}`, async () => {
      expect(isDependencyUnavailable(error)).to.equal(true);
      const answer = await answerTo(error);
      expect(answer.status).to.equal(503);
      expect(answer.type).to.match(/^application\/problem\+json/);
      expect(answer.body.detail).to.equal(unavailableDetail(error)).and.match(/OpenSearch/);
    });
  }

  it('leaves other OpenSearch answers alone: a 400 is not an outage', () => {
    expect(isDependencyUnavailable(new errors.ResponseError(meta(400, 'parsing_exception')))).to.equal(false);
  });

  it('keeps the general wording for an unreachable server it cannot name', async () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    const answer = await answerTo(refused);
    expect(answer.status).to.equal(503);
    expect(answer.body.detail).to.equal('A required dependency is unavailable; retry shortly.');
  });
});
