import { expect } from 'chai';
import { errors } from '@opensearch-project/opensearch';
import { BulkRequestError, withoutPayload } from '../../adapters/opensearch/bulk-request-error';

describe('failed _bulk requests', () => {
  it('keep the cause but not the request body that the client error carries', () => {
    const secret = 'an audit event message nobody should find in the logs';
    const cause = new errors.ConnectionError('connect ECONNREFUSED 127.0.0.1:9200', { body: null, statusCode: null, headers: null, meta: { request: { params: { body: secret } } } } as never);
    let thrown: unknown;
    try {
      withoutPayload(cause);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).to.be.instanceOf(BulkRequestError);
    expect((thrown as Error).message).to.equal('OpenSearch _bulk request failed: ConnectionError: connect ECONNREFUSED 127.0.0.1:9200');
    expect(JSON.stringify(thrown)).to.not.contain(secret);
    expect(Object.keys(thrown as object)).to.not.include('meta');
  });

  it('names the HTTP status of an answer that was not a success', () => {
    expect(() => withoutPayload(Object.assign(new Error('Too Many Requests'), { name: 'ResponseError', statusCode: 429 }))).to.throw(
      BulkRequestError,
      'OpenSearch _bulk request failed: ResponseError (HTTP 429): Too Many Requests',
    );
  });
});

describe('failed _bulk requests: outage or refusal', () => {
  const transientOf = (error: unknown) => {
    try {
      withoutPayload(error);
    } catch (thrown) {
      return (thrown as BulkRequestError).transient;
    }
    throw new Error('withoutPayload returned');
  };

  it('is an outage when OpenSearch did not answer, was overloaded or failed', () => {
    expect(transientOf(new errors.ConnectionError('connect ECONNREFUSED', {} as never))).to.equal(true);
    expect(transientOf(new errors.TimeoutError('Request timed out', {} as never))).to.equal(true);
    for (const statusCode of [429, 500, 502, 503]) expect(transientOf(Object.assign(new Error('x'), { name: 'ResponseError', statusCode })), String(statusCode)).to.equal(true);
  });

  it('is a refusal when OpenSearch answered with another 4xx', () => {
    for (const statusCode of [400, 401, 403, 404, 413]) expect(transientOf(Object.assign(new Error('x'), { name: 'ResponseError', statusCode })), String(statusCode)).to.equal(false);
  });
});
