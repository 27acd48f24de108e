import { expect } from 'chai';
import { assertDelivered } from './delivery-check';
import { runDeliverySoak } from './delivery-soak';
import { SERVICES } from './service-processes';
import { soakOptions } from './soak-options';

/**
 * The full crash-and-fault soak behind `npm run test:chaos`: 100,000 events by default, sized and
 * seeded by CHAOS_* variables (soak-options.ts), e.g. CHAOS_EVENTS=20000 CHAOS_SEED=42.
 */
describe('delivery soak under SIGKILLs and SQS send faults', function () {
  this.timeout(12 * 3600_000);

  it('loses nothing, duplicates nothing and leaves no orphan or unfinished task', async () => {
    const options = soakOptions({ events: 100_000, killsPerProcess: 10, drainTimeoutMs: 60 * 60_000 });
    const report = await runDeliverySoak(options);

    assertDelivered(report.figures, options.events);
    expect(report.drained, 'the pipeline drained before the deadline').to.equal(true);
    expect(report.unexpectedExits.map((exit) => `${exit.service} ${exit.how}: ${exit.tail}`)).to.deep.equal([]);
    for (const service of SERVICES) expect(report.killsPerProcess[service], `SIGKILLs of the ${service}`).to.be.at.least(Math.min(1, options.killsPerProcess));
  });
});
