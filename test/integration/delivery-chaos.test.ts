import { expect } from 'chai';
import { assertDelivered } from '../chaos/delivery-check';
import { runDeliverySoak } from '../chaos/delivery-soak';
import { SERVICES } from '../chaos/service-processes';
import { soakOptions } from '../chaos/soak-options';

/**
 * The CI-sized run of the crash-and-fault soak (the full 100,000 events: `npm run test:chaos`).
 * Only CHAOS_SEED is read from the environment here, so a failure can be replayed at this size.
 */
describe('delivery under SIGKILLs and SQS send faults (CI size)', function () {
  this.timeout(20 * 60_000);

  it('acknowledges, commits once and indexes every event while each process is SIGKILLed and 5% of SQS sends fail', async () => {
    const options = soakOptions({ events: 4000, killsPerProcess: 1, drainTimeoutMs: 6 * 60_000 }, { CHAOS_SEED: process.env.CHAOS_SEED });
    const report = await runDeliverySoak(options);

    assertDelivered(report.figures, options.events);
    expect(report.drained, 'the pipeline drained before the deadline').to.equal(true);
    expect(report.unexpectedExits.map((exit) => `${exit.service} ${exit.how}: ${exit.tail}`)).to.deep.equal([]);
    for (const service of SERVICES) expect(report.killsPerProcess[service], `SIGKILLs of the ${service}`).to.be.at.least(1);
    expect(report.sqsSends.faulted, 'SQS sends faulted').to.be.greaterThan(0);
    expect(report.figures.tasksByStatus).to.have.all.keys('succeeded');
  });
});
