import { runDeliverySoak } from '../chaos/delivery-soak';
import { assertSoakHeld } from '../chaos/soak-assertions';
import { soakOptions } from '../chaos/soak-options';

/**
 * The CI-sized run of the crash-and-fault soak (the full 100,000 events: `npm run test:chaos`).
 * Only CHAOS_SEED is read from the environment here, so a failure can be replayed at this size.
 */
describe('delivery under SIGKILLs, SQS and OpenSearch faults and retention (CI size)', function () {
  this.timeout(20 * 60_000);

  it('acknowledges, commits once and indexes every event, and archives every deleted old event exactly once, while each process is SIGKILLed and 5% of SQS sends and OpenSearch requests fail', async () => {
    const options = soakOptions(
      { events: 4000, killsPerProcess: 1, drainTimeoutMs: 6 * 60_000, opensearchOutages: 2, opensearchOutageMs: 8000, retentionEvents: 400, retentionRounds: 3 },
      { CHAOS_SEED: process.env.CHAOS_SEED },
    );
    assertSoakHeld(await runDeliverySoak(options));
  });
});
