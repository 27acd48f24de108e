import { runDeliverySoak } from './delivery-soak';
import { assertSoakHeld } from './soak-assertions';
import { soakOptions } from './soak-options';

/**
 * The full crash-and-fault soak behind `npm run test:chaos`: 100,000 events by default, sized and
 * seeded by CHAOS_* variables (soak-options.ts), e.g. CHAOS_EVENTS=20000 CHAOS_SEED=42.
 */
describe('delivery soak under SIGKILLs, SQS and OpenSearch faults and retention', function () {
  this.timeout(12 * 3600_000);

  it('loses nothing, duplicates nothing, leaves no orphan or unfinished task, and archives every deleted old event exactly once', async () => {
    const options = soakOptions({
      events: 100_000,
      killsPerProcess: 10,
      drainTimeoutMs: 60 * 60_000,
      opensearchOutages: 10,
      opensearchOutageMs: 10_000,
      retentionEvents: 10_000,
      retentionRounds: 6,
    });
    assertSoakHeld(await runDeliverySoak(options));
  });
});
