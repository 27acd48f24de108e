import { expect } from 'chai';
import { ApplicationFailure } from '@temporalio/common';
import { DefaultLogger } from '@temporalio/worker';
import { MockActivityEnvironment } from '@temporalio/testing';
import { BulkRequestError } from '../../adapters/opensearch/bulk-request-error';
import { outlastingOutages } from '../../activities/outage-retries';

const policy = { outageBudgetMs: 60_000, otherAttempts: 8 };
const quiet = new DefaultLogger('ERROR');

/** What one attempt throws, as Temporal would receive it, for attempt `attempt` of an activity first scheduled `ageMs` ago. */
async function thrownBy(error: Error, attempt: number, ageMs: number): Promise<unknown> {
  const env = new MockActivityEnvironment({ attempt, scheduledTimestampMs: Date.now() - ageMs }, { logger: quiet });
  return env.run(() => outlastingOutages(policy, () => Promise.reject(error))).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
}

describe('index activities outlasting outages', () => {
  const outage = () => new BulkRequestError('OpenSearch _bulk request failed: ConnectionError: connect ECONNREFUSED', { transient: true });

  it('rethrows an outage as retryable, attempt after attempt, while the budget lasts', async () => {
    const error = outage();
    expect(await thrownBy(error, 50, 59_000)).to.equal(error);
    const database = Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' });
    expect(await thrownBy(database, 50, 1000)).to.equal(database);
  });

  it('gives up on an outage once the budget is spent, keeping the error type', async () => {
    const thrown = await thrownBy(outage(), 20, 61_000);
    expect(thrown).to.be.instanceOf(ApplicationFailure);
    expect(thrown).to.include({ type: 'BulkRequestError', nonRetryable: true });
    expect((thrown as Error).message).to.match(/^still failing after 1 min of attempts \(20\): OpenSearch _bulk request failed/);
  });

  it('gives any other failure its attempts, then makes it non-retryable', async () => {
    const refused = new BulkRequestError('OpenSearch _bulk request failed: ResponseError (HTTP 403): forbidden', { transient: false });
    expect(await thrownBy(refused, 7, 1000)).to.equal(refused);
    expect(await thrownBy(refused, 8, 1000)).to.include({ type: 'BulkRequestError', nonRetryable: true });
    expect(await thrownBy(new TypeError('x is undefined'), 8, 1000)).to.include({ type: 'TypeError', nonRetryable: true });
  });
});
